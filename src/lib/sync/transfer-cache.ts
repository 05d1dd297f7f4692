import * as Y from 'yjs';
import { missingPieces } from '../yjs/update-parts.ts';
import { splitUpdate } from './update-chunks.ts';

/** What a peer lacks, as framed pieces, and the size of the whole. */
export interface Transfer {
  readonly messages: readonly Uint8Array[];
  readonly bytes: number;
}

/**
 * The pieces of document answering a state vector. The last result is kept until the document
 * changes: on launch day every newcomer arrives with the same empty state vector, and encoding
 * and splitting a large square takes the sender about half a second each time.
 */
export class TransferCache {
  /** Counts document changes, so a cached transfer is known to be current. */
  #version = 0;
  #last: (Transfer & { key: string; version: number }) | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly chunkBytes: number,
    private readonly frame: (piece: Uint8Array) => Uint8Array,
  ) {}

  /** Call on every change of the document. */
  changed(): void {
    this.#version++;
  }

  /** Everything the state vector lacks, in framed pieces of at most `chunkBytes`. */
  for(stateVector: Uint8Array): Transfer {
    const key = stateVectorKey(stateVector);
    if (this.#last?.key === key && this.#last.version === this.#version) return this.#last;
    const pieces =
      missingPieces(this.doc, stateVector, this.chunkBytes) ??
      splitUpdate(Y.encodeStateAsUpdate(this.doc, stateVector), this.chunkBytes);
    const kept = pieces.filter((piece) => !isEmptyUpdate(piece));
    const messages = kept.map((piece) => this.frame(piece));
    const bytes = kept.reduce((sum, piece) => sum + piece.length, 0);
    this.#last = { key, version: this.#version, messages, bytes };
    return this.#last;
  }
}

function stateVectorKey(stateVector: Uint8Array): string {
  let key = '';
  for (const byte of stateVector) key += String.fromCharCode(byte);
  return key;
}

/** An update with no structs and no deletions (two zero bytes in v1). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
