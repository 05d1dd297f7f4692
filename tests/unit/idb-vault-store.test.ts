import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import { openDatabase, request } from '../../src/lib/storage/idb.ts';
import { IdbVaultStore, MAX_PAGES, PAGE_RECORDS } from '../../src/lib/storage/idb-vault-store.ts';
import { vaultId, vaultRecord } from '../support/vault-store-contract.ts';

// What every VaultStore does is in tests/support/vault-store-contract.ts, run in vault-store.test.ts;
// here is only how IdbVaultStore lays the vault out in pages.

let rooms = 0;
const room = () => `room${++rooms}`.padEnd(22, 'x') as RoomId;

const ids = (records: readonly AnyRecord[]) => records.map((r) => r.id).sort();

/** The vault's own database, opened beside the store, as another tab would. */
const database = (name: RoomId) => openDatabase(`kaifong-vault-${name}`, ['pages', 'rejected', 'pruned']);

async function pageKeys(name: RoomId): Promise<number[]> {
  const db = await database(name);
  return (await request(db.transaction('pages').objectStore('pages').getAllKeys())).map(Number);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('IdbVaultStore (the vault in IndexedDB, in pages)', () => {
  it('keeps every record across reopening, once each, in batches larger than a page', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    const all = Array.from({ length: 2500 }, (_, i) => vaultRecord(i));
    await store.putVerified(all.slice(0, 1200));
    await store.putVerified(all.slice(1000, 2500)); // overlaps: a record seen twice
    for (let i = 0; i < 5; i++) await store.putVerified([all[i]!]);
    expect(await pageKeys(name)).toHaveLength(7); // one page per batch, whatever its size
    const reopened = await new IdbVaultStore(name).loadVerified();
    expect(ids(reopened)).toEqual(ids(all));
    expect(reopened.find((r) => r.id === all[7]!.id)).toEqual(all[7]);
  });

  it('rewrites many small pages into full ones without losing a record', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    const all = Array.from({ length: MAX_PAGES + 20 }, (_, i) => vaultRecord(i));
    for (const r of all) await store.putVerified([r]); // one page per local write
    expect(await pageKeys(name)).toHaveLength(MAX_PAGES + 20);
    expect(ids(await store.loadVerified())).toEqual(ids(all)); // this load rewrites
    expect(await pageKeys(name)).toHaveLength(Math.ceil(all.length / PAGE_RECORDS));
    expect(ids(await new IdbVaultStore(name).loadVerified())).toEqual(ids(all));
  });

  it('rewrites the pages without the records it prunes', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    for (let i = 0; i < 10; i++) await store.putVerified([vaultRecord(i)]);
    await store.prune([vaultId(3)]);
    expect(await pageKeys(name)).toEqual([0]);
  });

  it('orders pages by write, not by the wall clock', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    let now = 1_764_000_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => (now -= 60_000)); // the clock set back each write
    for (let i = 0; i < 3; i++) await store.putVerified([vaultRecord(1, `v${i}`)]);
    expect(await new IdbVaultStore(name).loadVerified()).toEqual([vaultRecord(1, 'v2')]);
  });

  it('lets two stores on one square (two tabs) write at once without a page key clash', async () => {
    const name = room();
    const [a, b] = [new IdbVaultStore(name), new IdbVaultStore(name)];
    await Promise.all([
      a.putVerified([vaultRecord(1)]),
      b.putVerified([vaultRecord(2)]),
      a.putVerified([vaultRecord(3)]),
      b.putVerified([vaultRecord(4)]),
    ]);
    const keys = await pageKeys(name);
    expect(new Set(keys).size).toBe(4);
    expect(ids(await new IdbVaultStore(name).loadVerified())).toEqual([1, 2, 3, 4].map(vaultId));
  });

  it('leaves out a record that a vault written by older code holds both in a page and as pruned', async () => {
    // Before putVerified forgot pruned ids, a record taken back stayed listed as pruned.
    const name = room();
    const db = await database(name);
    const tx = db.transaction(['pages', 'pruned'], 'readwrite');
    tx.objectStore('pages').add(JSON.stringify([vaultRecord(1), vaultRecord(2)]), 1_764_000_000_000_000);
    tx.objectStore('pruned').put(true, vaultId(1));
    await new Promise((resolve) => (tx.oncomplete = resolve));

    const store = new IdbVaultStore(name);
    expect(await store.loadVerified()).toEqual([vaultRecord(2)]);
    expect(await store.loadPruned()).toEqual(new Set([vaultId(1)]));
    // The board takes it back from the document: from then on it is verified, not pruned.
    await store.putVerified([vaultRecord(1)]);
    const reopened = new IdbVaultStore(name);
    expect(ids(await reopened.loadVerified())).toEqual([vaultId(1), vaultId(2)]);
    expect(await reopened.loadPruned()).toEqual(new Set());
  });
});
