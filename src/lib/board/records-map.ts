import * as Y from 'yjs';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import { FILE_ORIGIN, LOCAL_ORIGIN, RECORDS_KEY, VAULT_ORIGIN } from './schema.ts';
import {
  deletionUpdate,
  intersect,
  subtract,
  structPieces,
  totalLength,
  type ClockRange,
} from '../yjs/update-parts.ts';
import { storedForm } from './stored-form.ts';

/** Who writes to the shared map: this device's own commands, the vault putting records back, or a file. */
export type WriteOrigin = typeof LOCAL_ORIGIN | typeof VAULT_ORIGIN | typeof FILE_ORIGIN;

/** What an update from a peer would do to the shared map (`RecordsMap.read`). */
export interface IncomingUpdate {
  /** Keys whose current value the update deletes. */
  readonly deleted: ReadonlySet<string>;
  /** Keys whose current value the update replaces with something else. */
  readonly overwritten: ReadonlySet<string>;
  /** What to apply in its place to leave these keys' values alone: its structs and the rest of its deletions. */
  without(keys: ReadonlySet<string>): Uint8Array[];
}

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
  read(update: Uint8Array): IncomingUpdate;
  observeRemote(listener: (keys: ReadonlySet<string>) => void): () => void;
  /** The size of the whole document, as a newcomer would download it, in bytes. */
  bytes(): number;
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
   * What an update from a peer would do to the map, read before it is applied: the keys whose
   * current value it deletes or replaces with something else. NOTE: a value set over an
   * existing one carries no parent of its own in the update, only the item it follows; that
   * item, here, names the key.
   */
  read(update: Uint8Array): IncomingUpdate {
    const decoded = Y.decodeUpdate(update);
    const { structs, ds } = decoded;
    const store = this.#doc.store;
    /** The value the update leaves under each key it sets over an existing one. */
    const setTo = new Map<string, unknown>();
    for (const struct of structs) {
      if (!(struct instanceof Y.Item) || struct.id.clock < Y.getState(store, struct.id.client)) continue;
      const key = this.#keyOf(struct);
      if (key !== null) setTo.set(key, struct.content.getContent()[0]);
    }
    const overwritten = new Set<string>();
    for (const [key, value] of setTo) if (this.#map.has(key) && value !== this.#map.get(key)) overwritten.add(key);
    const deleted = new Set<string>();
    if (ds.clients.size > 0) {
      for (const [key, item] of this.#map._map) {
        // Setting a key again deletes its old item: the same value set anew removes nothing.
        if (item.deleted || !Y.isDeleted(ds, item.id) || overwritten.has(key)) continue;
        if (!setTo.has(key) || setTo.get(key) !== this.#map.get(key)) deleted.add(key);
      }
    }
    return { deleted, overwritten, without: (keys) => this.#without(update, decoded, keys) };
  }

  /**
   * The update less its deletions of these keys' entries and of entries this document does not
   * have: Yjs would keep those waiting and delete the entries the moment they arrive, from an
   * honest peer or not. The update itself when that leaves it unchanged.
   */
  #without(update: Uint8Array, { structs, ds }: DecodedUpdate, keys: ReadonlySet<string>): Uint8Array[] {
    if (ds.clients.size === 0) return [update];
    const own = new Map<number, ClockRange[]>();
    for (const struct of structs) {
      if (struct instanceof Y.Skip) continue;
      own.set(struct.id.client, [...(own.get(struct.id.client) ?? []), { clock: struct.id.clock, len: struct.length }]);
    }
    const spared = new Map<number, ClockRange[]>();
    for (const key of keys) {
      const item = this.#map._map.get(key);
      if (item)
        spared.set(item.id.client, [...(spared.get(item.id.client) ?? []), { clock: item.id.clock, len: item.length }]);
    }
    let changed = false;
    const kept = new Map<number, ClockRange[]>();
    for (const [client, ranges] of ds.clients) {
      const held = [{ clock: 0, len: Y.getState(this.#doc.store, client) }, ...(own.get(client) ?? [])];
      const parts = ranges.flatMap((range) => subtract(intersect(range, held), spared.get(client) ?? []));
      if (totalLength(parts) !== totalLength(ranges)) changed = true;
      kept.set(client, parts);
    }
    if (!changed) return [update];
    const deletes = deletionUpdate(kept);
    return [...structPieces(update), ...(deletes ? [deletes] : [])];
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

  bytes(): number {
    return Y.encodeStateAsUpdate(this.#doc).length;
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

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;
