import * as Y from 'yjs';
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import type { RoomId } from '../domain/ids.ts';
import { docDatabase } from './databases.ts';

/** Keeps a square's document on this device between visits. */
export interface DocPersistence {
  /** Applies the stored document to the live one; resolves once it has. */
  load(): Promise<void>;
  /** Rewrites the stored document in its smallest form (after retention dropped records). */
  compact(): Promise<void>;
  /** Stops persisting; what was written stays stored. */
  destroy(): Promise<void>;
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

  constructor(room: RoomId, doc: Y.Doc) {
    this.#name = docDatabase(room);
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
}

/** Documents kept in memory by name, standing in for a device's IndexedDB in tests. */
export class InMemoryDocShelf {
  readonly #stored = new Map<string, Uint8Array>();

  /** Persistence of one room's document on this shelf. */
  open(room: RoomId, doc: Y.Doc): DocPersistence {
    return new InMemoryDocPersistence(this.#stored, room, doc);
  }

  /** Deletes a room's document, as leaving a square deletes its database. */
  delete(room: RoomId): void {
    this.#stored.delete(room);
  }

  /** Bytes stored for a room, as y-indexeddb would hold them after compaction. */
  bytesOf(room: RoomId): number {
    return this.#stored.get(room)?.length ?? 0;
  }
}

class InMemoryDocPersistence implements DocPersistence {
  readonly #doc: Y.Doc;
  readonly #save: () => void;
  #loaded = false;

  constructor(
    readonly stored: Map<string, Uint8Array>,
    readonly room: RoomId,
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
}
