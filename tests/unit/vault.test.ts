import { describe, expect, it } from 'vitest';
import { Vault, VAULT_WRITE_RECORDS } from '../../src/lib/board/vault.ts';
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
