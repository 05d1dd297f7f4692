// Writes whole frames to sockets, batched per turn of the event loop: the first write to a socket
// corks it and the turn's end uncorks every socket written to, so all the frames one socket gets in
// a turn leave in one writev. Without it fan-out made one system call per delivered frame, which
// was two-thirds of the server's time under load.

import type { Duplex } from 'node:stream';

/**
 * Bytes one socket holds corked before it alone is uncorked: a receiver in a busy room (a compound
 * reconnecting at once) gets its frames as they come rather than piling up towards the
 * slow-receiver bound (MAX_BUFFERED_BYTES) within one turn while it reads perfectly well.
 */
export const MAX_SOCKET_BATCH_BYTES = 64 * 1024;

/**
 * Bytes corked in one turn, counted once per delivery, before every corked socket is uncorked at
 * once: bounds what a turn holds back. NOTE: far above one saturated turn of the bench (5,000
 * clients, about 20 MB of deliveries a turn) by design: measured side by side, a bound of 256 KiB
 * or 4 MiB split such a turn into batches of one or two frames a socket and cost 1.6 × the CPU per
 * delivery of whole turns, with twice their p99 latency (a turn is shorter than its system calls).
 */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

export class Outbox {
  /** Sockets corked by a write this turn. */
  readonly #corked: Duplex[] = [];
  #bytes = 0;

  /** Queue `frame` on `socket`; it is sent when the current turn ends, or sooner past a bound. */
  write(socket: Duplex, frame: Buffer): void {
    // writableCorked is ours alone here: ws corks and uncorks within each of its own writes
    if (socket.writableCorked === 0) {
      socket.cork();
      // setImmediate runs after every socket read of this turn (the poll phase) has been handled
      if (this.#corked.push(socket) === 1) setImmediate(this.#uncorkAll);
    }
    socket.write(frame);
    // an uncorked socket stays listed: the turn's end uncorks it once more, a no-op, or the
    // cork of its next write this turn
    if (socket.writableLength > MAX_SOCKET_BATCH_BYTES) socket.uncork();
    if ((this.#bytes += frame.length) > MAX_BATCH_BYTES) this.#uncorkAll();
  }

  readonly #uncorkAll = (): void => {
    for (const socket of this.#corked) socket.uncork();
    this.#corked.length = 0;
    this.#bytes = 0;
  };
}
