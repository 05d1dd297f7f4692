import 'fake-indexeddb/auto';
import { IdbDocPersistence, InMemoryDocShelf } from '../../src/lib/storage/doc-persistence.ts';
import { runDocPersistenceContract } from '../support/doc-persistence-contract.ts';

runDocPersistenceContract('InMemoryDocShelf', () => {
  const shelf = new InMemoryDocShelf();
  return (room, doc) => shelf.open(room, doc);
});

runDocPersistenceContract('IdbDocPersistence', () => (room, doc) => new IdbDocPersistence(room, doc));
