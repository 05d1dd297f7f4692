import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { AuthorKey, RecordId, RoomId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/records.ts';
import { IdbVaultStore, MAX_PAGES } from '../../src/lib/storage/idb-vault-store.ts';

let rooms = 0;
const room = () => `room${++rooms}`.padEnd(22, 'x') as RoomId;

function record(i: number): AnyRecord {
  return {
    v: 1,
    kind: 'profile',
    author: `ed25519:${'A'.repeat(43)}` as AuthorKey,
    at: `${String(1_764_000_000_000 + i).padStart(16, '0')}-0000`,
    body: { name: `neighbour ${i}` },
    sig: 'S'.repeat(86),
    id: `id${i}`.padEnd(22, '_') as RecordId,
  } as AnyRecord;
}

const ids = (records: readonly AnyRecord[]) => records.map((r) => r.id).sort();

describe('IdbVaultStore (the vault in IndexedDB)', () => {
  it('keeps every record across reopening, once each, whatever the batches', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    const all = Array.from({ length: 2500 }, (_, i) => record(i));
    await store.putVerified(all.slice(0, 1200));
    await store.putVerified(all.slice(1000, 2500)); // overlaps: a record seen twice
    for (let i = 0; i < 5; i++) await store.putVerified([all[i]!]);
    const reopened = await new IdbVaultStore(name).loadVerified();
    expect(ids(reopened)).toEqual(ids(all));
    expect(reopened.find((r) => r.id === all[7]!.id)).toEqual(all[7]);
  });

  it('rewrites many small pages into full ones without losing a record', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    const all = Array.from({ length: MAX_PAGES + 20 }, (_, i) => record(i));
    for (const r of all) await store.putVerified([r]); // one page per local write
    expect(ids(await store.loadVerified())).toEqual(ids(all)); // this load rewrites
    expect(ids(await new IdbVaultStore(name).loadVerified())).toEqual(ids(all));
  });

  it('drops pruned records for good and remembers their ids', async () => {
    const name = room();
    const store = new IdbVaultStore(name);
    const all = Array.from({ length: 30 }, (_, i) => record(i));
    await store.putVerified(all);
    await store.prune([all[3]!.id, all[4]!.id]);
    const reopened = new IdbVaultStore(name);
    const left = await reopened.loadVerified();
    expect(left).toHaveLength(28);
    expect(left.some((r) => r.id === all[3]!.id)).toBe(false);
    expect(await reopened.loadPruned()).toEqual(new Set([all[3]!.id, all[4]!.id]));
  });

  it('remembers rejected entries', async () => {
    const name = room();
    await new IdbVaultStore(name).putRejected(new Map([['key1', 'hash1']]));
    expect(await new IdbVaultStore(name).loadRejected()).toEqual(new Map([['key1', 'hash1']]));
  });
});
