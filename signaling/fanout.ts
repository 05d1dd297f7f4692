// Fan-out: a publish encoded once for its whole room, WebSocket framing included (not once per
// receiver as the reference server does), and queued on each receiver's socket through the outbox,
// with the bound on what a receiver that does not read can make us hold.

import { WebSocket } from 'ws';
import { payloadBytes } from './frames.ts';
import type { Metrics } from './metrics.ts';
import type { Duplex } from 'node:stream';
import { Outbox } from './outbox.ts';
import { publishFrame } from './protocol.ts';

/** What fan-out needs of a connection. */
export interface Receiver {
  readonly ws: WebSocket;
  /** The socket under `ws`: frames are written whole to it. */
  readonly socket: Duplex;
  closing: boolean;
}

export class Fanout {
  readonly #outbox = new Outbox();

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly metrics: Metrics,
  ) {}

  /** Send a publish (a frame's JSON bytes, see publishFrame) to `receivers`; returns how many got it. */
  deliver(receivers: ReadonlySet<Receiver>, raw: Buffer): number {
    const frame = publishFrame(raw, receivers.size);
    let sent = 0;
    for (const receiver of receivers) if (this.send(receiver, frame)) sent++;
    return sent;
  }

  /**
   * Queue a whole frame on the receiver's socket, sent with the rest of this turn's (outbox.ts).
   * NOTE: written beside ws, not through ws.send, by design: with perMessageDeflate off ws keeps no
   * per-frame state on a server's sending side, writes its own frames (pings, close) whole on the
   * same socket, and counts these bytes in `bufferedAmount` (the socket's writableLength).
   */
  send(receiver: Receiver, frame: Buffer): boolean {
    const ws = receiver.ws;
    if (receiver.closing || ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      // A client that does not read must not make us queue without bound. Terminate rather than
      // close: a close frame would wait behind the very backlog the client is not reading.
      this.metrics.drop('backpressure');
      receiver.closing = true;
      ws.terminate();
      return false;
    }
    this.#outbox.write(receiver.socket, frame);
    this.metrics.messagesOut++;
    this.metrics.bytesOut += payloadBytes(frame);
    return true;
  }
}
