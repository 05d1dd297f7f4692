import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { RoomId } from '../domain/ids.ts';
import { retryPending } from '../yjs/pending.ts';
import { deleteSetOnly, structPieces } from '../yjs/update-parts.ts';
import { committed, request } from './idb.ts';
import { docDatabase, docName } from './databases.ts';

/** Keeps a square's document on this device between visits. */
export interface DocPersistence {
  /** Applies the stored document to the live one; resolves once it has. */
  load(): Promise<void>;
  /** Rewrites the stored document in its smallest form (after retention dropped records). */
  compact(): Promise<void>;
  /** Stops persisting; what was written stays stored. */
  destroy(): Promise<void>;
  /** Stops persisting and deletes what was stored: the document of an epoch this device left. */
  erase(): Promise<void>;
}

/** Stored updates larger than this are applied in pieces of it, and stored again as such. */
export const DOC_PIECE_BYTES = 128 * 1024;
/** Loading the stored document yields to the page when a slice of pieces has run this long. */
export const LOAD_SLICE_MS = 25;
/** Updates of the document are stored together, this long after the first of them. */
export const STORE_DELAY_MS = 50;

/** y-indexeddb's object store of updates, one row each, keys counting up. */
const UPDATES = 'updates';

/** How the stored document loads: in pieces, or in one step as y-indexeddb does (`?docload=whole`, to measure against). */
export type DocLoadMode = 'pieces' | 'whole';

export interface IdbDocOptions {
  /** Lets the page run between slices of the load (default: a task of its own). */
  readonly yieldToPage?: () => Promise<void>;
  readonly pieceBytes?: number;
  readonly sliceMs?: number;
  /** Default 'pieces'. */
  readonly docLoad?: DocLoadMode;
  /** Which of the room's documents (epochs), default 0. */
  readonly epoch?: number;
}

/**
 * The document in IndexedDB, in y-indexeddb's layout and through it. NOTE: y-indexeddb applies
 * the stored document in one synchronous step (about 0.8 s for 50,000 records), which would hold
 * the page just after the list painted from the vault, and after 500 writes it compacts by
 * encoding the whole document (over a second at 50,000 records, just after a newcomer's
 * transfer). So this tells it that there is nothing stored to apply, stores each update without
 * its compaction, and loads the stored updates itself, in pieces of about DOC_PIECE_BYTES with the
 * page let run between slices; as it loads, it stores runs of small updates again merged into
 * one, and a large update cut in pieces, so the rows stay few and the next load as quick.
 */
export class IdbDocPersistence implements DocPersistence {
  readonly #name: string;
  readonly #doc: Y.Doc;
  readonly #options: IdbDocOptions;
  #persistence: IndexeddbPersistence | null = null;
  #loading: Promise<void> | null = null;
  /** The last stored key this document has applied. */
  #appliedUpTo = -1;
  /** Rows being stored again, merged or cut, as the load found them. */
  readonly #restores: Promise<void>[] = [];
  /** Updates to store, in the next write. */
  readonly #unstored: Uint8Array[] = [];

  constructor(room: RoomId, doc: Y.Doc, options: IdbDocOptions = {}) {
    this.#name = docDatabase(room, options.epoch);
    this.#doc = doc;
    this.#options = options;
  }

  load(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<void> {
    const persistence = (this.#persistence = new IndexeddbPersistence(this.#name, this.#doc));
    if (this.#options.docLoad === 'whole') return void (await persistence.whenSynced);
    const internals = persistence as unknown as YIndexeddbInternals;
    // y-indexeddb reads the stored updates from this key on when its database opens, which is
    // after this line: it applies none, and still stores what the document held before loading.
    internals._dbref = Number.MAX_SAFE_INTEGER;
    this.#doc.off('update', internals._storeUpdate);
    this.#doc.on('update', this.#store);
    await persistence.whenSynced;
    const store = persistence.db!.transaction(UPDATES).objectStore(UPDATES);
    const [keys, rows] = await Promise.all([
      request(store.getAllKeys()),
      request(store.getAll() as IDBRequest<Uint8Array[]>),
    ]);
    const pieceBytes = this.#options.pieceBytes ?? DOC_PIECE_BYTES;
    const sliceMs = this.#options.sliceMs ?? LOAD_SLICE_MS;
    const yieldToPage = this.#options.yieldToPage ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    let sliceStart = performance.now();
    for (const run of runsOf(keys.map(Number), rows, pieceBytes)) {
      const [first] = run.rows as [Uint8Array];
      // NOTE: cutting decodes the whole update, merging decodes its parts: a row that is neither
      // too large nor one of several small ones is applied as it is.
      const pieces =
        run.rows.length > 1
          ? [Y.mergeUpdates(run.rows)]
          : first.length > pieceBytes
            ? piecesOf(first, pieceBytes)
            : [first];
      for (const piece of pieces) {
        if (performance.now() - sliceStart >= sliceMs) {
          await yieldToPage();
          if (this.#persistence !== persistence) return;
          sliceStart = performance.now();
        }
        // Its own origin: not stored again.
        Y.applyUpdate(this.#doc, piece, persistence);
      }
      if (run.rows.length > 1 || pieces.length > 1) this.#restores.push(this.#restore(persistence, run.keys, pieces));
    }
    // Not Math.max(...keys): a device may hold more rows than a call takes arguments.
    this.#appliedUpTo = keys.reduce<number>((last, key) => Math.max(last, Number(key)), -1);
    retryPending(this.#doc, persistence);
  }

  /**
   * Stores an update of this document as y-indexeddb does, one row each, without its compaction;
   * the updates of STORE_DELAY_MS go in one transaction (a newcomer's transfer is a thousand
   * pieces, one task each: a transaction apiece cost its page half a second at 50,000 records).
   */
  readonly #store = (update: Uint8Array, origin: unknown): void => {
    const persistence = this.#persistence;
    if (!persistence?.db || origin === persistence) return;
    if (this.#unstored.push(update) === 1) setTimeout(() => this.#storeQueued(), STORE_DELAY_MS);
  };

  #storeQueued(): void {
    const updates = this.#unstored.splice(0);
    const db = this.#persistence?.db;
    if (!db || updates.length === 0) return;
    const store = db.transaction(UPDATES, 'readwrite').objectStore(UPDATES);
    for (const update of updates) store.add(update);
  }

  /**
   * Stores rows again as `pieces`, in one transaction: the first piece in the place of the first
   * row, so the rows keep their order, and any further pieces after the last.
   */
  async #restore(persistence: IndexeddbPersistence, keys: readonly number[], pieces: readonly Uint8Array[]) {
    if (!persistence.db) return;
    const tx = persistence.db.transaction(UPDATES, 'readwrite');
    const store = tx.objectStore(UPDATES);
    store.put(pieces[0]!, keys[0]!);
    for (const key of keys.slice(1)) store.delete(key);
    for (const piece of pieces.slice(1)) store.add(piece);
    await committed(tx).catch((error: unknown) => console.warn('kaifong: could not store the document again', error));
  }

  /**
   * Rewrites the stored document as pieces of DOC_PIECE_BYTES, in one transaction, after
   * retention dropped posts: otherwise the disk would keep their bytes. Updates another tab
   * stored since this one loaded are applied first, so none is dropped.
   */
  async compact(): Promise<void> {
    const persistence = this.#persistence;
    if (!persistence?.db || this.#loading === null) return;
    this.#storeQueued();
    const tx = persistence.db.transaction(UPDATES, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(UPDATES);
    const newer = await request(
      store.getAll(IDBKeyRange.lowerBound(this.#appliedUpTo, true)) as IDBRequest<Uint8Array[]>,
    );
    for (const update of newer) Y.applyUpdate(this.#doc, update, persistence);
    const last = await request(store.openKeyCursor(null, 'prev'));
    const pieces = piecesOf(Y.encodeStateAsUpdate(this.#doc), this.#options.pieceBytes ?? DOC_PIECE_BYTES);
    if (last) store.delete(IDBKeyRange.upperBound(last.key));
    for (const piece of pieces) store.add(piece);
    await done;
    this.#appliedUpTo = Math.max(this.#appliedUpTo, Number(last?.key ?? -1) + pieces.length);
  }

  async destroy(): Promise<void> {
    this.#storeQueued();
    const persistence = this.#persistence;
    this.#persistence = null;
    this.#doc.off('update', this.#store);
    await Promise.all(this.#restores.splice(0));
    await persistence?.destroy();
  }

  async erase(): Promise<void> {
    this.#persistence ??= new IndexeddbPersistence(this.#name, this.#doc);
    await this.#persistence.clearData();
    this.#persistence = null;
  }
}

/** What of y-indexeddb this reaches past its API (see IdbDocPersistence). */
interface YIndexeddbInternals {
  _dbref: number;
  _storeUpdate: (update: Uint8Array, origin: unknown) => void;
}

/** Consecutive stored rows: a large one alone, or small ones together up to `maxBytes`. */
function runsOf(
  keys: readonly number[],
  rows: readonly Uint8Array[],
  maxBytes: number,
): { keys: number[]; rows: Uint8Array[] }[] {
  const runs: { keys: number[]; rows: Uint8Array[]; bytes: number }[] = [];
  rows.forEach((row, i) => {
    const last = runs.at(-1);
    if (last && last.bytes + row.length <= maxBytes) {
      last.keys.push(keys[i]!);
      last.rows.push(row);
      last.bytes += row.length;
    } else runs.push({ keys: [keys[i]!], rows: [row], bytes: row.length });
  });
  return runs;
}

/** An update as updates of at most `maxBytes` where its structs allow, its deletions last. */
function piecesOf(update: Uint8Array, maxBytes: number): Uint8Array[] {
  const deletes = deleteSetOnly(update);
  return [...structPieces(update, maxBytes), ...(deletes ? [deletes] : [])];
}

/** Documents kept in memory by name, standing in for a device's IndexedDB in tests. */
export class InMemoryDocShelf {
  readonly #stored = new Map<string, Uint8Array>();

  /** Persistence of one room's document (of an epoch) on this shelf. */
  open(room: RoomId, doc: Y.Doc, epoch = 0): DocPersistence {
    return new InMemoryDocPersistence(this.#stored, docName(room, epoch), doc);
  }

  /** Deletes a room's documents (of every epoch), as leaving a square deletes its databases. */
  delete(room: RoomId): void {
    for (const name of [...this.#stored.keys()])
      if (name === room || name.startsWith(`${room}~`)) this.#stored.delete(name);
  }

  /** Bytes stored for a room (of an epoch), as y-indexeddb would hold them after compaction. */
  bytesOf(room: RoomId, epoch = 0): number {
    return this.#stored.get(docName(room, epoch))?.length ?? 0;
  }
}

class InMemoryDocPersistence implements DocPersistence {
  readonly #doc: Y.Doc;
  readonly #save: () => void;
  #loaded = false;

  constructor(
    readonly stored: Map<string, Uint8Array>,
    readonly room: string,
    doc: Y.Doc,
  ) {
    this.#doc = doc;
    this.#save = () => stored.set(room, Y.encodeStateAsUpdate(doc));
  }

  async load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    const saved = this.stored.get(this.room);
    if (saved) Y.applyUpdate(this.#doc, saved, this);
    // As y-indexeddb does, what the document held before loading is stored too.
    this.#save();
    this.#doc.on('update', this.#save);
  }

  async compact(): Promise<void> {
    this.#save();
  }

  async destroy(): Promise<void> {
    this.#doc.off('update', this.#save);
  }

  async erase(): Promise<void> {
    await this.destroy();
    this.stored.delete(this.room);
  }
}
