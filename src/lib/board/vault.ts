import type { AuthorKey, RecordId } from '../domain/ids.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { VaultStore } from '../storage/vault-store.ts';

/** What a cold start reads from the device's store before the document loads. */
export interface VaultContents {
  readonly verified: readonly AnyRecord[];
  readonly rejected: ReadonlyMap<string, string>;
  readonly pruned: ReadonlySet<string>;
}

/**
 * Records per write to the store at most: one write is one JSON text on the page's thread, and
 * a newcomer's whole square in one would hold the page for a good part of a second.
 */
export const VAULT_WRITE_RECORDS = 2000;

/**
 * Every valid record this device holds, in memory, with write-behind to its store: records
 * accepted while a write runs go in the next ones, VAULT_WRITE_RECORDS at a time, so a big
 * transfer costs a few transactions and none of them a long task.
 */
export class Vault {
  readonly #store: VaultStore;
  readonly #records = new Map<string, AnyRecord>();
  /** Ids of each author's records: a resident's own are read on every re-render ("waiting to be shared"). */
  readonly #byAuthor = new Map<AuthorKey, Set<string>>();
  readonly #onError: (error: unknown) => void;
  readonly #unsaved: AnyRecord[] = [];
  #writing: Promise<void> = Promise.resolve();

  constructor(store: VaultStore, onError: (error: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Reads the store; the caller adds the verified records with `remember`. */
  static async load(store: VaultStore): Promise<VaultContents> {
    const [verified, rejected, pruned] = await Promise.all([
      store.loadVerified(),
      store.loadRejected(),
      store.loadPruned(),
    ]);
    return { verified, rejected, pruned };
  }

  get(id: string): AnyRecord | undefined {
    return this.#records.get(id);
  }

  ids(): IterableIterator<string> {
    return this.#records.keys();
  }

  /** One author's records. */
  *recordsBy(author: AuthorKey): IterableIterator<AnyRecord> {
    for (const id of this.#byAuthor.get(author) ?? []) yield this.#records.get(id)!;
  }

  /** Holds records already in the store (a cold start). */
  remember(records: readonly AnyRecord[]): void {
    for (const record of records) {
      this.#records.set(record.id, record);
      let own = this.#byAuthor.get(record.author);
      if (!own) this.#byAuthor.set(record.author, (own = new Set()));
      own.add(record.id);
    }
  }

  /** Holds records and queues them for the store. */
  save(records: readonly AnyRecord[]): void {
    this.remember(records);
    const first = this.#unsaved.length === 0;
    for (const record of records) this.#unsaved.push(record);
    if (first) this.#writeUnsaved();
  }

  #writeUnsaved(): void {
    this.#write(() => {
      const batch = this.#unsaved.splice(0, VAULT_WRITE_RECORDS);
      // The rest goes in the next write, queued behind this one.
      if (this.#unsaved.length > 0) this.#writeUnsaved();
      return this.#store.putVerified(batch);
    });
  }

  /** Lets go of a record in memory (its pruning is stored with `prune`). */
  release(id: string): AnyRecord | undefined {
    const record = this.#records.get(id);
    if (!record) return undefined;
    this.#records.delete(id);
    const own = this.#byAuthor.get(record.author);
    own?.delete(id);
    if (own?.size === 0) this.#byAuthor.delete(record.author);
    return record;
  }

  /** Drops records from the store for good and remembers that they were pruned. */
  prune(ids: readonly RecordId[]): void {
    if (ids.length > 0) this.#write(() => this.#store.prune(ids));
  }

  /** Stores entries found invalid, so a cold start does not verify them again. */
  reject(entries: ReadonlyMap<string, string>): void {
    if (entries.size > 0) this.#write(() => this.#store.putRejected(entries));
  }

  /** Resolves when every write queued so far has finished. */
  async whenWritten(): Promise<void> {
    // A write may queue the next one while it runs.
    let writing: Promise<void>;
    do {
      writing = this.#writing;
      await writing;
    } while (writing !== this.#writing);
  }

  #write(write: () => Promise<void>): void {
    this.#writing = this.#writing.then(write).catch(this.#onError);
  }
}
