// Writes whole frames to sockets, batched per turn of the event loop: the frames a socket gets in a
// turn are kept on it and leave together, in one write, once the turn's reads are handled. Without
// it fan-out made one system call per delivered frame, which was two-thirds of the server's time
// under load. NOTE: kept here, not corked in the socket, by design: a corked Writable holds an entry
// object per frame until the turn ends, and under saturation those outlived young-generation
// collections by the tens of thousands; here a socket holds one array for its turn.

import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** A connection as the outbox sees it; `frames` and `queuedBytes` are the outbox's own. */
export interface Outgoing {
  readonly ws: WebSocket;
  /** The socket under `ws`: frames are written whole to it, beside ws. */
  readonly socket: Duplex;
  /** Frames queued this turn, or null. */
  frames: Buffer[] | null;
  queuedBytes: number;
}

/**
 * Bytes queued in one turn before they are written at once: under saturation a turn reads thousands
 * of sockets, and receivers (and their replies) should not wait for all of them.
 */
export const MAX_BATCH_BYTES = Number(process.env['OUTBOX_BATCH_BYTES'] ?? Infinity);

export class Outbox {
  /** Connections with frames queued. */
  readonly #queued: Outgoing[] = [];
  #bytes = 0;

  /** Queue `frame` for `to`; it is written when the current turn ends. */
  write(to: Outgoing, frame: Buffer): void {
    if (to.frames === null) {
      to.frames = [frame];
      // setImmediate runs after every socket read of this turn (the poll phase) has been handled
      if (this.#queued.push(to) === 1) setImmediate(this.#flush);
    } else {
      to.frames.push(frame);
    }
    to.queuedBytes += frame.length;
    if ((this.#bytes += frame.length) > MAX_BATCH_BYTES) this.#flush();
  }

  /** Write what is queued for `to` now, e.g. before a close frame that nothing may follow. */
  flush(to: Outgoing): void {
    const frames = to.frames;
    if (frames === null) return;
    // a close frame (the answer to the peer's, or a terminate) may already be out: drop what is left
    if (to.ws.readyState === WebSocket.OPEN)
      to.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames, to.queuedBytes));
    to.frames = null;
    to.queuedBytes = 0;
  }

  readonly #flush = (): void => {
    for (const to of this.#queued) this.flush(to);
    this.#queued.length = 0;
    this.#bytes = 0;
  };
}
