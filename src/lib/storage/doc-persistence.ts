import * as Y from 'yjs';
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import type { RoomId } from '../domain/ids.ts';

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

/**
 * Where a room's document of an epoch is kept: epoch 0 (the square's first document) under the
 * name it always had, each later epoch under a name of its own.
 */
export function docName(room: RoomId, epoch = 0): string {
  return epoch === 0 ? room : `${room}~${epoch}`;
}

/**
 * The document in IndexedDB through y-indexeddb. NOTE: y-indexeddb applies the stored document
 * in one synchronous step (about a second for 10,000 posts), so the app first paints from the
 * vault, then loads.
 */
export class IdbDocPersistence implements DocPersistence {
  readonly #name: string;
  readonly #doc: Y.Doc;
  #persistence: IndexeddbPersistence | null = null;

  constructor(room: RoomId, doc: Y.Doc, epoch = 0) {
    this.#name = `kaifong-doc-${docName(room, epoch)}`;
    this.#doc = doc;
  }

  async load(): Promise<void> {
    this.#persistence ??= new IndexeddbPersistence(this.#name, this.#doc);
    await this.#persistence.whenSynced;
  }

  /**
   * Rewrites the stored document as one row. y-indexeddb compacts only after 500 writes, so
   * after retention drops posts the disk would otherwise keep their bytes for a long while.
   */
  async compact(): Promise<void> {
    if (this.#persistence) await storeState(this.#persistence, true);
  }

  async destroy(): Promise<void> {
    await this.#persistence?.destroy();
    this.#persistence = null;
  }

  async erase(): Promise<void> {
    this.#persistence ??= new IndexeddbPersistence(this.#name, this.#doc);
    await this.#persistence.clearData();
    this.#persistence = null;
  }
}

/** Documents kept in memory by name, standing in for a device's IndexedDB in tests. */
export class InMemoryDocShelf {
  readonly #stored = new Map<string, Uint8Array>();

  /** Persistence of one room's document (of an epoch) on this shelf. */
  open(room: RoomId, doc: Y.Doc, epoch = 0): DocPersistence {
    return new InMemoryDocPersistence(this.#stored, docName(room, epoch), doc);
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
