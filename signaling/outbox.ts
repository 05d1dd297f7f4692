// Writes whole frames to sockets, batched per turn of the event loop: the first write to a socket
// corks it and the turn's end uncorks every socket written to, so all the frames one socket gets in
// a turn leave in one writev. Without it fan-out made one system call per delivered frame, which
// was two-thirds of the server's time under load.

import type { Duplex } from 'node:stream';

export class Outbox {
  /** Sockets corked by a write this turn. */
  readonly #corked: Duplex[] = [];

  /** Queue `frame` on `socket`; it is sent when the current turn ends. */
  write(socket: Duplex, frame: Buffer): void {
    // writableCorked is ours alone here: ws corks and uncorks within each of its own writes
    if (socket.writableCorked === 0) {
      socket.cork();
      // setImmediate runs after every socket read of this turn (the poll phase) has been handled
      if (this.#corked.push(socket) === 1) setImmediate(this.#uncorkAll);
    }
    socket.write(frame);
  }

  readonly #uncorkAll = (): void => {
    for (const socket of this.#corked) socket.uncork();
    this.#corked.length = 0;
  };
}
