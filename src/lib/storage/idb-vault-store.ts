import type { RecordId, RoomId } from '../domain/ids.ts';
import { vaultDatabase } from './databases.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { VaultStore } from './vault-store.ts';
import { committed, openDatabase, request } from './idb.ts';

const PAGES = 'pages';
const REJECTED = 'rejected';
const PRUNED = 'pruned';

/** Records per page when the vault is rewritten. */
export const PAGE_RECORDS = 1000;
/** More pages than this at load time (many small local writes) and the vault is rewritten. */
export const MAX_PAGES = 200;

/**
 * The vault of one square in IndexedDB, separate from y-indexeddb's copy of the document.
 *
 * NOTE: records are kept in pages, each the JSON text of an array of records, one page per
 * batch written. Cold start reads every record, and reading 50,000 rows took about 370 ms in
 * Chromium where 50 pages of 1,000 took about 30 ms. Pages are rewritten when they grow many
 * or when retention drops records.
 */
export class IdbVaultStore implements VaultStore {
  readonly #db: Promise<IDBDatabase>;

  constructor(room: RoomId) {
    this.#db = openDatabase(vaultDatabase(room), [PAGES, REJECTED, PRUNED]);
  }

  async loadVerified(): Promise<AnyRecord[]> {
    const db = await this.#db;
    const tx = db.transaction([PAGES, PRUNED]);
    const [pages, pruned] = await Promise.all([
      request(tx.objectStore(PAGES).getAll() as IDBRequest<string[]>),
      request(tx.objectStore(PRUNED).getAllKeys()),
    ]);
    if (pages.length > MAX_PAGES) return readWrite(db, rewrite);
    // NOTE: pages no longer hold a pruned record, but a vault written before putVerified forgot
    // pruned ids may: such a record stays out, and the board takes it back from the document.
    return recordsOf(pages, new Set(pruned.map(String)));
  }

  async loadRejected(): Promise<Map<string, string>> {
    const db = await this.#db;
    const store = db.transaction(REJECTED).objectStore(REJECTED);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    return new Map(keys.map((key, i) => [String(key), String(values[i])]));
  }

  /** Writes one page; its key follows the last page's, so a later put of a record wins on load. */
  async putVerified(records: readonly AnyRecord[]): Promise<void> {
    if (records.length === 0) return;
    await readWrite(await this.#db, async (tx) => {
      // A record put after it was pruned was taken back (the post was not past retention after all).
      // NOTE: one read of the (small) pruned set, not a delete per record: a newcomer's batches
      // hold thousands of records and per-record deletes made each write several times slower.
      const prunedStore = tx.objectStore(PRUNED);
      const pruned = new Set((await request(prunedStore.getAllKeys())).map(String));
      if (pruned.size > 0) for (const record of records) if (pruned.has(record.id)) prunedStore.delete(record.id);
      const pages = tx.objectStore(PAGES);
      const last = await request(pages.openKeyCursor(null, 'prev'));
      pages.add(JSON.stringify(records), last ? Number(last.key) + 1 : 0);
    });
  }

  async putRejected(entries: ReadonlyMap<string, string>): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(REJECTED, 'readwrite');
    const store = tx.objectStore(REJECTED);
    for (const [key, sig] of entries) store.put(sig, key);
    return committed(tx);
  }

  async loadPruned(): Promise<Set<string>> {
    const db = await this.#db;
    const keys = await request(db.transaction(PRUNED).objectStore(PRUNED).getAllKeys());
    return new Set(keys.map(String));
  }

  /** Remembers the ids and rewrites the pages without their records, in one transaction. */
  async prune(ids: readonly RecordId[]): Promise<void> {
    if (ids.length === 0) return;
    await readWrite(await this.#db, (tx) => {
      for (const id of ids) tx.objectStore(PRUNED).put(true, id);
      return rewrite(tx);
    });
  }
}

/** Runs work in a read-write transaction over pages and pruned ids; resolves once it commits. */
async function readWrite<T>(db: IDBDatabase, work: (tx: IDBTransaction) => Promise<T>): Promise<T> {
  const tx = db.transaction([PAGES, PRUNED], 'readwrite');
  const [result] = await Promise.all([work(tx), committed(tx)]);
  return result;
}

/**
 * Rewrites every page, without pruned records, as full pages. The pruned ids are read in the
 * same transaction, so a record taken back meanwhile is not dropped.
 */
async function rewrite(tx: IDBTransaction): Promise<AnyRecord[]> {
  const store = tx.objectStore(PAGES);
  const [pages, pruned] = await Promise.all([
    request(store.getAll() as IDBRequest<string[]>),
    request(tx.objectStore(PRUNED).getAllKeys()),
  ]);
  const records = recordsOf(pages, new Set(pruned.map(String)));
  store.clear();
  for (let start = 0; start < records.length; start += PAGE_RECORDS) {
    store.add(JSON.stringify(records.slice(start, start + PAGE_RECORDS)), start / PAGE_RECORDS);
  }
  return records;
}

/** The records of some pages, each once, leaving out dropped ones. */
function recordsOf(pages: readonly string[], dropped: ReadonlySet<string>): AnyRecord[] {
  const byId = new Map<string, AnyRecord>();
  for (const page of pages) {
    for (const record of JSON.parse(page) as AnyRecord[]) {
      if (!dropped.has(record.id)) byId.set(record.id, record);
    }
  }
  return [...byId.values()];
}
