import type { RecordId } from '../domain/ids.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';

/**
 * The device-local vault: every valid record this device has seen, kept outside the shared
 * document so records a peer deletes can be put back. Doubles as the verification cache.
 */
export interface VaultStore {
  /** Every verified record in the vault. */
  loadVerified(): Promise<AnyRecord[]>;
  /** Entries known to be invalid, as record key → fingerprint of the entry, so they are not verified again. */
  loadRejected(): Promise<Map<string, string>>;
  /** Adds or replaces records by id; an id put after it was pruned is no longer pruned (taken back). */
  putVerified(records: readonly AnyRecord[]): Promise<void>;
  /** Adds or replaces rejected entries by record key. */
  putRejected(entries: ReadonlyMap<string, string>): Promise<void>;
  /** Ids dropped by retention and not put back since: never taken back from a peer. */
  loadPruned(): Promise<Set<string>>;
  /** Drops records for good (retention) and remembers their ids. */
  prune(ids: readonly RecordId[]): Promise<void>;
}

/** A VaultStore in memory, for tests and for squares opened without persistence. */
export class InMemoryVaultStore implements VaultStore {
  readonly verified = new Map<RecordId, AnyRecord>();
  readonly rejected = new Map<string, string>();
  readonly pruned = new Set<string>();

  async loadVerified(): Promise<AnyRecord[]> {
    return [...this.verified.values()];
  }
  async loadRejected(): Promise<Map<string, string>> {
    return new Map(this.rejected);
  }
  async putVerified(records: readonly AnyRecord[]): Promise<void> {
    for (const r of records) {
      this.verified.set(r.id, r);
      this.pruned.delete(r.id);
    }
  }
  async putRejected(entries: ReadonlyMap<string, string>): Promise<void> {
    for (const [k, v] of entries) this.rejected.set(k, v);
  }
  async loadPruned(): Promise<Set<string>> {
    return new Set(this.pruned);
  }
  async prune(ids: readonly RecordId[]): Promise<void> {
    for (const id of ids) {
      this.verified.delete(id);
      this.pruned.add(id);
    }
  }
}
