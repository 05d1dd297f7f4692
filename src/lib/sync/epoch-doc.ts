import * as Y from 'yjs';
import { encodeBegin, encodeEnd, encodeHello, encodePiece, MESSAGE, type EpochOffer } from './exchange-wire.ts';
import { TransferCache } from './transfer-cache.ts';
import { splitUpdate } from './update-chunks.ts';

/**
 * One epoch's document as the exchange sends it: its HELLO, the answer to a peer's HELLO, its
 * live changes in pieces, and whether a peer has completed a transfer of it. The exchange
 * makes a new one when the device moves to a later epoch: nothing of the old one is sent after.
 */
export class EpochDoc {
  /** Settles at the first transfer of this document completed from a peer. */
  readonly received: Promise<void>;
  readonly #resolveReceived: () => void;
  readonly #transfers: TransferCache;

  constructor(
    readonly doc: Y.Doc,
    readonly offer: EpochOffer | null,
    private readonly chunkBytes: number,
  ) {
    let resolve = () => {};
    this.received = new Promise<void>((settle) => (resolve = settle));
    this.#resolveReceived = resolve;
    this.#transfers = new TransferCache(doc, chunkBytes, (piece) => encodePiece(MESSAGE.chunk, piece, this.epoch));
  }

  /** The epoch number (0: the square's first document). */
  get epoch(): number {
    return this.offer?.epoch ?? 0;
  }

  hello(): Uint8Array {
    return encodeHello(Y.encodeStateVector(this.doc), this.offer);
  }

  /** Answers a HELLO: BEGIN, everything the peer's state vector lacks in pieces, END. */
  answer(stateVector: Uint8Array, posts: number): Uint8Array[] {
    const { messages, bytes } = this.#transfers.for(stateVector);
    return [encodeBegin(messages.length, posts, bytes, this.epoch), ...messages, encodeEnd(this.epoch)];
  }

  /** Call on every change of the document (what a cached answer was made of is then stale). */
  changed(): void {
    this.#transfers.changed();
  }

  /** A live change as UPDATE messages, in pieces of at most `chunkBytes`. */
  live(update: Uint8Array): Uint8Array[] {
    const pieces = update.length > this.chunkBytes ? splitUpdate(update, this.chunkBytes) : [update];
    return pieces.map((piece) => encodePiece(MESSAGE.update, piece, this.epoch));
  }

  /** A peer completed a transfer of this document (its END). */
  completed(): void {
    this.#resolveReceived();
  }
}
