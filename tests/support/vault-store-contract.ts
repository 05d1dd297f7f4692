/** The behaviour every VaultStore must have, run over each implementation (as automerge-repo's runStorageAdapterTests). */
import { describe, expect, it } from 'vitest';
import type { AuthorKey, RecordId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { MAX_PAGES } from '../../src/lib/storage/idb-vault-store.ts';
import type { VaultStore } from '../../src/lib/storage/vault-store.ts';
import { Rng } from './random.ts';

/** A fresh, empty vault and a way to open it again. */
export interface VaultStoreFixture {
  readonly store: VaultStore;
  /** The same vault opened again, as on a cold start; tests write only to the store last opened. */
  reopen(): VaultStore | Promise<VaultStore>;
}

/** Makes a fixture for one test; each test gets its own empty vault. */
export type VaultStoreSetup = () => VaultStoreFixture | Promise<VaultStoreFixture>;

/** The id of the i-th test record. */
export function vaultId(i: number): RecordId {
  return `id${i}`.padEnd(22, '_') as RecordId;
}

/** A record shaped as the vault keeps it; stores do not verify, so it is not really signed. */
export function vaultRecord(i: number, name = `neighbour ${i}`): AnyRecord {
  return {
    v: 1,
    kind: 'profile',
    author: `ed25519:${'A'.repeat(43)}` as AuthorKey,
    at: `${String(1_764_000_000_000 + i).padStart(16, '0')}-0000`,
    body: { name },
    sig: 'S'.repeat(86),
    id: vaultId(i),
  } as AnyRecord;
}

/** Records by id, to compare loads whatever their order. */
function byId(records: readonly AnyRecord[]): Map<string, AnyRecord> {
  const map = new Map<string, AnyRecord>();
  for (const record of records) {
    expect(map.has(record.id), `${record.id} loaded twice`).toBe(false);
    map.set(record.id, record);
  }
  return map;
}

/** Defines the contract suite for one VaultStore implementation. */
export function runVaultStoreContract(name: string, setup: VaultStoreSetup): void {
  describe(`${name} (VaultStore contract)`, () => {
    it('starts empty', async () => {
      const { store } = await setup();
      expect(await store.loadVerified()).toEqual([]);
      expect(await store.loadRejected()).toEqual(new Map());
      expect(await store.loadPruned()).toEqual(new Set());
    });

    it('loads every verified record once after reopening, whatever the batches', async () => {
      const vault = await setup();
      const all = Array.from({ length: 30 }, (_, i) => vaultRecord(i));
      await vault.store.putVerified(all.slice(0, 20));
      await vault.store.putVerified(all.slice(10)); // overlaps: records seen twice
      await vault.store.putVerified([all[3]!, all[3]!]);
      await vault.store.putVerified([]);
      expect(byId(await vault.store.loadVerified())).toEqual(byId(all));
      expect(byId(await (await vault.reopen()).loadVerified())).toEqual(byId(all));
    });

    it('keeps the latest put of a record, across batches and within one', async () => {
      const vault = await setup();
      await vault.store.putVerified([vaultRecord(1, 'first'), vaultRecord(2, 'first')]);
      await vault.store.putVerified([vaultRecord(1, 'second')]);
      await vault.store.putVerified([vaultRecord(2, 'second'), vaultRecord(2, 'third')]);
      const want = byId([vaultRecord(1, 'second'), vaultRecord(2, 'third')]);
      expect(byId(await vault.store.loadVerified())).toEqual(want);
      expect(byId(await (await vault.reopen()).loadVerified())).toEqual(want);
    });

    it('round-trips rejected entries, the latest fingerprint of a key winning', async () => {
      const vault = await setup();
      await vault.store.putRejected(
        new Map([
          ['key1', 'hash1'],
          ['key2', 'hash2'],
        ]),
      );
      await vault.store.putRejected(new Map([['key2', 'hash2b']]));
      await vault.store.putRejected(new Map());
      const want = new Map([
        ['key1', 'hash1'],
        ['key2', 'hash2b'],
      ]);
      expect(await vault.store.loadRejected()).toEqual(want);
      expect(await (await vault.reopen()).loadRejected()).toEqual(want);
    });

    it('prune removes the records and remembers their ids, across reopening', async () => {
      const vault = await setup();
      const all = Array.from({ length: 30 }, (_, i) => vaultRecord(i));
      await vault.store.putVerified(all);
      await vault.store.prune([vaultId(3), vaultId(4)]);
      const want = byId(all.filter((r) => r.id !== vaultId(3) && r.id !== vaultId(4)));
      expect(byId(await vault.store.loadVerified())).toEqual(want);
      expect(await vault.store.loadPruned()).toEqual(new Set([vaultId(3), vaultId(4)]));
      const reopened = await vault.reopen();
      expect(byId(await reopened.loadVerified())).toEqual(want);
      expect(await reopened.loadPruned()).toEqual(new Set([vaultId(3), vaultId(4)]));
    });

    it('prune of ids it never held remembers them and leaves the records alone', async () => {
      const vault = await setup();
      await vault.store.putVerified([vaultRecord(1)]);
      await vault.store.prune([vaultId(8), vaultId(9)]);
      await vault.store.prune([]);
      const reopened = await vault.reopen();
      expect(await reopened.loadVerified()).toEqual([vaultRecord(1)]);
      expect(await reopened.loadPruned()).toEqual(new Set([vaultId(8), vaultId(9)]));
    });

    it('a record taken back after it was pruned is verified again and no longer pruned', async () => {
      // The board takes a pruned record back when a late renewal shows its post not past retention.
      const vault = await setup();
      await vault.store.putVerified([vaultRecord(1), vaultRecord(2), vaultRecord(3)]);
      await vault.store.prune([vaultId(1), vaultId(2)]);
      await vault.store.putVerified([vaultRecord(1, 'renewed')]);
      const want = byId([vaultRecord(1, 'renewed'), vaultRecord(3)]);
      expect(byId(await vault.store.loadVerified())).toEqual(want);
      expect(await vault.store.loadPruned()).toEqual(new Set([vaultId(2)]));
      const reopened = await vault.reopen();
      expect(byId(await reopened.loadVerified())).toEqual(want);
      expect(await reopened.loadPruned()).toEqual(new Set([vaultId(2)]));
    });

    it('a record taken back and pruned again stays pruned', async () => {
      const vault = await setup();
      await vault.store.putVerified([vaultRecord(1)]);
      await vault.store.prune([vaultId(1)]);
      await vault.store.putVerified([vaultRecord(1)]);
      await vault.store.prune([vaultId(1)]);
      const reopened = await vault.reopen();
      expect(await reopened.loadVerified()).toEqual([]);
      expect(await reopened.loadPruned()).toEqual(new Set([vaultId(1)]));
    });

    it('applies writes in the order they were called, even when not awaited', async () => {
      const vault = await setup();
      await Promise.all([
        vault.store.putVerified([vaultRecord(1), vaultRecord(2)]),
        vault.store.prune([vaultId(1), vaultId(2)]),
        vault.store.putVerified([vaultRecord(1, 'back')]),
        vault.store.putVerified([vaultRecord(3, 'first')]),
        vault.store.putVerified([vaultRecord(3, 'second')]),
      ]);
      const reopened = await vault.reopen();
      expect(byId(await reopened.loadVerified())).toEqual(byId([vaultRecord(1, 'back'), vaultRecord(3, 'second')]));
      expect(await reopened.loadPruned()).toEqual(new Set([vaultId(2)]));
    });

    it('keeps every record through many small batches, prunes and take-backs, then reopening', async () => {
      // More single-record writes than IdbVaultStore's MAX_PAGES, so a load rewrites the pages.
      const vault = await setup();
      const batches = MAX_PAGES + 50;
      for (let i = 0; i < batches; i++) await vault.store.putVerified([vaultRecord(i % 100, `v${i}`)]);
      await vault.store.prune([vaultId(5), vaultId(6)]);
      await vault.store.putVerified([vaultRecord(6, 'back')]);
      const want = new Map<string, AnyRecord>();
      for (let i = 0; i < batches; i++) want.set(vaultId(i % 100), vaultRecord(i % 100, `v${i}`));
      want.delete(vaultId(5));
      want.set(vaultId(6), vaultRecord(6, 'back'));
      const reopened = await vault.reopen();
      expect(byId(await reopened.loadVerified())).toEqual(want);
      expect(await reopened.loadPruned()).toEqual(new Set([vaultId(5)]));

      // Writes after the vault was rewritten still win over what it kept.
      for (let i = 0; i < 3; i++) await reopened.putVerified([vaultRecord(7, `after ${i}`)]);
      want.set(vaultId(7), vaultRecord(7, 'after 2'));
      expect(byId(await (await vault.reopen()).loadVerified())).toEqual(want);
    });

    it('what it loads is the caller’s to change', async () => {
      const vault = await setup();
      await vault.store.putVerified([vaultRecord(1)]);
      await vault.store.putRejected(new Map([['key1', 'hash1']]));
      await vault.store.prune([vaultId(2)]);
      (await vault.store.loadVerified()).length = 0;
      (await vault.store.loadRejected()).clear();
      (await vault.store.loadPruned()).clear();
      expect(await vault.store.loadVerified()).toHaveLength(1);
      expect(await vault.store.loadRejected()).toEqual(new Map([['key1', 'hash1']]));
      expect(await vault.store.loadPruned()).toEqual(new Set([vaultId(2)]));
    });

    it('agrees with a model of the vault over seeded random writes and reopenings', async () => {
      const seed = 20221220;
      const rng = new Rng(seed);
      const vault = await setup();
      let store = vault.store;
      const verified = new Map<string, AnyRecord>();
      const pruned = new Set<string>();
      const rejected = new Map<string, string>();
      for (let step = 0; step < 120; step++) {
        const roll = rng.int(10);
        const ids = Array.from({ length: 1 + rng.int(4) }, () => rng.int(20));
        if (roll < 5) {
          const records = ids.map((i) => vaultRecord(i, `step ${step}`));
          await store.putVerified(records);
          for (const record of records) {
            verified.set(record.id, record);
            pruned.delete(record.id);
          }
        } else if (roll < 7) {
          await store.prune(ids.map(vaultId));
          for (const i of ids) {
            verified.delete(vaultId(i));
            pruned.add(vaultId(i));
          }
        } else if (roll < 8) {
          const entries = new Map(ids.map((i) => [`key${i}`, `hash${step}`]));
          await store.putRejected(entries);
          for (const [key, hash] of entries) rejected.set(key, hash);
        } else {
          store = await vault.reopen();
          const where = `seed ${seed}, step ${step}`;
          expect(byId(await store.loadVerified()), where).toEqual(verified);
          expect(await store.loadPruned(), where).toEqual(pruned);
          expect(await store.loadRejected(), where).toEqual(rejected);
        }
      }
    });
  });
}
