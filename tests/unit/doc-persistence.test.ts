import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import { request } from '../../src/lib/storage/idb.ts';
import { IdbDocPersistence, InMemoryDocShelf, STORE_DELAY_MS } from '../../src/lib/storage/doc-persistence.ts';
import { runDocPersistenceContract } from '../support/doc-persistence-contract.ts';

runDocPersistenceContract('InMemoryDocShelf', () => {
  const shelf = new InMemoryDocShelf();
  return (room, doc) => shelf.open(room, doc);
});

runDocPersistenceContract('IdbDocPersistence', () => (room, doc) => new IdbDocPersistence(room, doc));

describe('IdbDocPersistence: a large stored document', () => {
  let rooms = 0;
  const room = () => `large${++rooms}`.padEnd(22, 'y') as RoomId;

  /** The sizes of the rows y-indexeddb's database holds for a room. */
  async function storedRows(r: RoomId): Promise<number[]> {
    const db = await request(indexedDB.open(`kaifong-doc-${r}`));
    try {
      const rows = await request(db.transaction('updates').objectStore('updates').getAll() as IDBRequest<Uint8Array[]>);
      return rows.map((row) => row.byteLength);
    } finally {
      db.close();
    }
  }

  /** A document of `n` entries of about 200 bytes, stored for a room by y-indexeddb itself, in one row. */
  async function storeWhole(r: RoomId, n: number): Promise<void> {
    const doc = new Y.Doc();
    doc.transact(() => {
      for (let i = 0; i < n; i++) doc.getMap('records').set(`k${i}`, `value ${i} `.padEnd(200, '·'));
    });
    // Opened with a full document, y-indexeddb stores it first thing, as one update.
    const persistence = new IndexeddbPersistence(`kaifong-doc-${r}`, doc);
    await persistence.whenSynced;
    await persistence.destroy();
  }

  it('loads in pieces, letting the page run between them with the document partly there', async () => {
    const r = room();
    await storeWhole(r, 2000);
    const doc = new Y.Doc();
    const seen: number[] = [];
    const persistence = new IdbDocPersistence(r, doc, {
      pieceBytes: 16 * 1024,
      sliceMs: 0,
      yieldToPage: async () => void seen.push(doc.getMap('records').size),
    });
    await persistence.load();
    expect(doc.getMap('records').size).toBe(2000);
    expect(doc.getMap('records').get('k1999')).toMatch(/^value 1999 /);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.some((size) => size > 0 && size < 2000)).toBe(true);
    await persistence.destroy();
  });

  it('stores the updates of a transfer, a task each, a few transactions for them all, every one of them', async () => {
    const r = room();
    const doc = new Y.Doc();
    const persistence = new IdbDocPersistence(r, doc);
    await persistence.load();
    const before = (await storedRows(r)).length;
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    try {
      for (let i = 0; i < 100; i++) {
        doc.transact(() => doc.getMap('records').set(`k${i}`, `piece ${i}`), 'peer');
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await new Promise((resolve) => setTimeout(resolve, 2 * STORE_DELAY_MS));
      // One per STORE_DELAY_MS (a task here takes a millisecond or more), not one per update.
      expect(transaction.mock.calls.filter(([, mode]) => mode === 'readwrite').length).toBeLessThan(10);
    } finally {
      transaction.mockRestore();
    }
    expect((await storedRows(r)).length).toBe(before + 100);
    await persistence.destroy();
  });

  it('stores a run of small updates again as one, with every entry and deletion', async () => {
    const r = room();
    const first = new IdbDocPersistence(r, new Y.Doc(), { pieceBytes: 16 * 1024 });
    const doc = new Y.Doc();
    const writer = new IdbDocPersistence(r, doc, { pieceBytes: 16 * 1024 });
    await writer.load();
    for (let i = 0; i < 300; i++) doc.getMap('records').set(`k${i}`, `value ${i}`);
    for (let i = 0; i < 100; i++) doc.getMap('records').delete(`k${i}`);
    await writer.destroy();
    expect((await storedRows(r)).length).toBeGreaterThan(400);

    await first.load();
    await first.destroy();
    expect((await storedRows(r)).length).toBeLessThan(5);
    const again = new Y.Doc();
    const second = new IdbDocPersistence(r, again, { pieceBytes: 16 * 1024 });
    await second.load();
    expect(again.getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON());
    expect(again.getMap('records').size).toBe(200);
    await second.destroy();
  });

  it('stores again in pieces an update too large to apply at once, losing nothing', async () => {
    const r = room();
    await storeWhole(r, 2000);
    expect(Math.max(...(await storedRows(r)))).toBeGreaterThan(400_000);
    const first = new IdbDocPersistence(r, new Y.Doc(), { pieceBytes: 16 * 1024 });
    await first.load();
    await first.destroy();
    const rows = await storedRows(r);
    expect(rows.length).toBeGreaterThan(20);
    // A piece is cut at a struct boundary, so it may pass the size by one entry.
    expect(Math.max(...rows)).toBeLessThan(16 * 1024 + 1024);

    const again = new Y.Doc();
    const second = new IdbDocPersistence(r, again, { pieceBytes: 16 * 1024 });
    await second.load();
    expect(again.getMap('records').size).toBe(2000);
    await second.destroy();
  });
});
