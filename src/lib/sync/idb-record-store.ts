import type { RecordId, RoomId } from '../domain/ids.ts';
import type { AnyRecord } from '../domain/records.ts';
import type { RecordStore } from '../board/record-store.ts';
import { committed, openDatabase, request } from './idb.ts';

const VERIFIED = 'verified-json';
const REJECTED = 'rejected';
const PRUNED = 'pruned';

/** The vault of one square in IndexedDB, separate from y-indexeddb's copy of the document. */
export class IdbRecordStore implements RecordStore {
  readonly #db: Promise<IDBDatabase>;

  constructor(room: RoomId) {
    this.#db = openDatabase(`kaifong-vault-${room}`, [VERIFIED, REJECTED, PRUNED]);
  }

  async loadVerified(): Promise<AnyRecord[]> {
    const db = await this.#db;
    const rows = await request(db.transaction(VERIFIED).objectStore(VERIFIED).getAll() as IDBRequest<string[]>);
    return rows.map((json) => JSON.parse(json) as AnyRecord);
  }

  async loadRejected(): Promise<Map<string, string>> {
    const db = await this.#db;
    const store = db.transaction(REJECTED).objectStore(REJECTED);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    return new Map(keys.map((key, i) => [String(key), String(values[i])]));
  }

  async putVerified(records: readonly AnyRecord[]): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(VERIFIED, 'readwrite');
    const store = tx.objectStore(VERIFIED);
    // NOTE: stored as JSON text: cloning one string per record out of IndexedDB is several
    // times faster than cloning a nested object, and cold start reads every record.
    for (const record of records) store.put(JSON.stringify(record), record.id);
    return committed(tx);
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

  async prune(ids: readonly RecordId[]): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction([VERIFIED, PRUNED], 'readwrite');
    for (const id of ids) {
      tx.objectStore(VERIFIED).delete(id);
      tx.objectStore(PRUNED).put(true, id);
    }
    return committed(tx);
  }
}
