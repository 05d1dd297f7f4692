import { describe, expect, it } from 'vitest';
import { Vault, VAULT_WRITE_RECORDS } from '../../src/lib/board/vault.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { vaultRecord } from '../support/vault-store-contract.ts';

describe('Vault write-behind', () => {
  it('writes a newcomer’s many records in bounded batches, and is written only once all are stored', async () => {
    const store = new InMemoryVaultStore();
    const batches: number[] = [];
    const putVerified = store.putVerified.bind(store);
    store.putVerified = async (records) => {
      batches.push(records.length);
      await new Promise((resolve) => setTimeout(resolve, 0));
      return putVerified(records);
    };
    const vault = new Vault(store, (error) => {
      throw error;
    });
    const records: AnyRecord[] = Array.from({ length: 2 * VAULT_WRITE_RECORDS + 500 }, (_, i) => vaultRecord(i));
    vault.save(records.slice(0, 10));
    // Saved while the first write runs: they wait for the next writes.
    vault.save(records.slice(10));
    await vault.whenWritten();
    expect(store.verified.size).toBe(records.length);
    expect(Math.max(...batches)).toBeLessThanOrEqual(VAULT_WRITE_RECORDS);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(records.length);
  });
});

describe('Vault by author', () => {
  it('lists one author’s records, as remembered, saved and released', () => {
    const vault = new Vault(new InMemoryVaultStore(), (error) => {
      throw error;
    });
    const other = `ed25519:${'B'.repeat(43)}` as AuthorKey;
    const mine = [0, 1, 2].map((i) => vaultRecord(i));
    const theirs = { ...vaultRecord(3), author: other } as AnyRecord;
    vault.remember([mine[0]!, theirs]);
    vault.save([mine[1]!, mine[2]!]);
    const ids = (author: AuthorKey) => [...vault.recordsBy(author)].map((r) => r.id).sort();
    expect(ids(mine[0]!.author)).toEqual(mine.map((r) => r.id).sort());
    expect(ids(other)).toEqual([theirs.id]);
    vault.release(mine[1]!.id);
    vault.release(theirs.id);
    expect(ids(mine[0]!.author)).toEqual([mine[0]!.id, mine[2]!.id].sort());
    expect(ids(other)).toEqual([]);
  });
});
