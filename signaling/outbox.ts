// Writes whole frames to sockets, batched per turn of the event loop: the first write to a socket
// corks it and the turn's end uncorks every socket written to, so all the frames one socket gets in
// a turn leave in one writev. Without it fan-out made one system call per delivered frame, which
// was two-thirds of the server's time under load.

import type { Duplex } from 'node:stream';

/**
 * Bytes corked in one turn before every corked socket is uncorked at once. Under saturation a turn
 * reads thousands of sockets (libuv polls up to 48 × 1,024 events before it yields); with no bound
 * nothing left until all were handled, so receivers and the clients answering them sat idle for
 * hundreds of milliseconds while the server worked, then all at once.
 */
export const MAX_BATCH_BYTES = 256 * 1024;

export class Outbox {
  /** Sockets corked by a write this turn. */
  readonly #corked: Duplex[] = [];
  #bytes = 0;

  /** Queue `frame` on `socket`; it is sent when the current turn ends, or sooner past MAX_BATCH_BYTES. */
  write(socket: Duplex, frame: Buffer): void {
    // writableCorked is ours alone here: ws corks and uncorks within each of its own writes
    if (socket.writableCorked === 0) {
      socket.cork();
      // setImmediate runs after every socket read of this turn (the poll phase) has been handled
      if (this.#corked.push(socket) === 1) setImmediate(this.#uncorkAll);
    }
    socket.write(frame);
    if ((this.#bytes += frame.length) > MAX_BATCH_BYTES) this.#uncorkAll();
  }

  readonly #uncorkAll = (): void => {
    for (const socket of this.#corked) socket.uncork();
    this.#corked.length = 0;
    this.#bytes = 0;
  };
}
