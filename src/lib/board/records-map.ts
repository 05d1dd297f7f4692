import * as Y from 'yjs';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import { FILE_ORIGIN, LOCAL_ORIGIN, RECORDS_KEY, VAULT_ORIGIN } from './schema.ts';
import { storedForm } from './stored-form.ts';

/** Who writes to the shared map: this device's own commands, the vault putting records back, or a file. */
export type WriteOrigin = typeof LOCAL_ORIGIN | typeof VAULT_ORIGIN | typeof FILE_ORIGIN;

/** A batch of changes to the shared map, applied in one transaction. */
export interface MapWriter {
  put(record: AnyRecord): void;
  delete(id: string): void;
}

/** What the board reads and writes of the shared map of records (RecordsMap, or one still to come). */
export interface SharedRecords {
  get(key: string): unknown;
  has(key: string): boolean;
  keys(): IterableIterator<string>;
  holds(record: AnyRecord): boolean;
  storedForm(record: AnyRecord): string;
  forget(id: string): void;
  write(origin: WriteOrigin, batch: (writer: MapWriter) => void): void;
  removalsIn(update: Uint8Array): Set<string>;
  observeRemote(listener: (keys: ReadonlySet<string>) => void): () => void;
}

/**
 * The shared map of signed records: the only code that touches the Y.Doc layout and the form
 * records take in it (JSON text, see stored-form.ts).
 */
export class RecordsMap implements SharedRecords {
  readonly #doc: Y.Doc;
  readonly #map: Y.Map<unknown>;
  /** The stored form of records, computed when first compared. */
  readonly #forms = new Map<string, string>();

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    this.#map = doc.getMap(RECORDS_KEY);
  }

  /** The raw entry under a key: anything a peer wrote, to be verified before use. */
  get(key: string): unknown {
    return this.#map.get(key);
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** Whether the map holds exactly this record under its id: the verification cache's test. */
  holds(record: AnyRecord): boolean {
    return this.#map.get(record.id) === this.storedForm(record);
  }

  /** The form a record takes in the map, cached by id. */
  storedForm(record: AnyRecord): string {
    let json = this.#forms.get(record.id);
    if (json === undefined) {
      json = storedForm(record);
      this.#forms.set(record.id, json);
    }
    return json;
  }

  /** Forgets the cached form of a record that left the vault. */
  forget(id: string): void {
    this.#forms.delete(id);
  }

  /** Applies a batch of writes in one transaction, marked with its origin. */
  write(origin: WriteOrigin, batch: (writer: MapWriter) => void): void {
    this.#doc.transact(() => {
      batch({
        put: (record) => this.#map.set(record.id, this.storedForm(record)),
        delete: (id) => this.#map.delete(id),
      });
    }, origin);
  }

  /**
   * Keys whose current value an update from a peer would delete or replace with something else,
   * read from the update before it is applied. NOTE: a value set over an existing one carries no
   * parent of its own in the update, only the item it follows; that item, here, names the key.
   */
  removalsIn(update: Uint8Array): Set<string> {
    const { structs, ds } = Y.decodeUpdate(update);
    const removed = new Set<string>();
    const store = this.#doc.store;
    if (ds.clients.size > 0) {
      for (const [key, item] of this.#map._map) {
        if (!item.deleted && Y.isDeleted(ds, item.id)) removed.add(key);
      }
    }
    for (const struct of structs) {
      if (!(struct instanceof Y.Item) || struct.id.clock < Y.getState(store, struct.id.client)) continue;
      const key = this.#keyOf(struct);
      const current = key === null ? undefined : this.#map._map.get(key);
      if (key === null || current === undefined || current.deleted) continue;
      if (struct.content.getContent()[0] !== this.#map.get(key)) removed.add(key);
    }
    return removed;
  }

  /** The key of the records map an incoming item sets, or null for anything else. */
  #keyOf(item: Y.Item): string | null {
    // A decoded item names a root type by its key, which Yjs's types do not declare.
    if (item.parentSub !== null) return (item.parent as unknown) === RECORDS_KEY ? item.parentSub : null;
    const neighbour = item.origin ?? item.rightOrigin;
    if (neighbour === null || neighbour.clock >= Y.getState(this.#doc.store, neighbour.client)) return null;
    const known = Y.getItem(this.#doc.store, neighbour);
    return known instanceof Y.Item && known.parent === this.#map ? known.parentSub : null;
  }

  /** Calls back with the keys every change made by someone else touched; returns the unsubscribe. */
  observeRemote(listener: (keys: ReadonlySet<string>) => void): () => void {
    const observer = (event: Y.YMapEvent<unknown>): void => {
      const origin = event.transaction.origin;
      if (origin === LOCAL_ORIGIN || origin === VAULT_ORIGIN) return;
      listener(new Set(event.keysChanged));
    };
    this.#map.observe(observer);
    return () => this.#map.unobserve(observer);
  }
}
