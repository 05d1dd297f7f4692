import 'fake-indexeddb/auto';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import { IdbVaultStore } from '../../src/lib/storage/idb-vault-store.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { runVaultStoreContract } from '../support/vault-store-contract.ts';

runVaultStoreContract('InMemoryVaultStore', () => {
  let current = new InMemoryVaultStore();
  return {
    store: current,
    // A copy of its maps, so nothing the store handed out or kept aside outlives the "restart".
    reopen() {
      const next = new InMemoryVaultStore();
      for (const [id, record] of current.verified) next.verified.set(id, record);
      for (const [key, hash] of current.rejected) next.rejected.set(key, hash);
      for (const id of current.pruned) next.pruned.add(id);
      current = next;
      return next;
    },
  };
});

let rooms = 0;
runVaultStoreContract('IdbVaultStore', () => {
  // One database per test: fake-indexeddb keeps every database for the whole file.
  const room = `contract${++rooms}`.padEnd(22, 'x') as RoomId;
  return { store: new IdbVaultStore(room), reopen: () => new IdbVaultStore(room) };
});
