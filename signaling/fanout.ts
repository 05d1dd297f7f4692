// Fan-out: a publish encoded once for its whole room, WebSocket framing included (not once per
// receiver as the reference server does), batched with the rest of its room's turn (outbox.ts) and
// written whole to each receiver's socket, with the bound on what a receiver that does not read can
// make us hold.

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

export class Fanout<R extends Receiver> {
  readonly #outbox: Outbox<string>;

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly metrics: Metrics,
    /** A topic's receivers at the moment its batch leaves. */
    subscribers: (topic: string) => ReadonlySet<R> | undefined,
  ) {
    this.#outbox = new Outbox((topic, data, batch) => {
      const receivers = subscribers(topic);
      if (receivers === undefined) return;
      let payload = 0;
      for (const frame of batch.frames) payload += payloadBytes(frame);
      for (const receiver of receivers) this.#write(receiver, data, batch.frames.length, payload);
    });
  }

  /** Send a publish (a frame's JSON bytes, see publishFrame) to `topic`'s `receivers`; returns how many it is queued for. */
  deliver(topic: string, receivers: ReadonlySet<R>, raw: Buffer): number {
    this.#outbox.add(topic, publishFrame(raw, receivers.size), receivers.size);
    return receivers.size;
  }

  /** Let `topic`'s batch leave now, before its receivers change. */
  settle(topic: string): void {
    this.#outbox.flush(topic);
  }

  /** Write one frame to one receiver now (a pong). */
  send(receiver: R, frame: Buffer): void {
    this.#write(receiver, frame, 1, payloadBytes(frame));
  }

  /**
   * NOTE: written beside ws, not through ws.send, by design: with perMessageDeflate off ws keeps no
   * per-frame state on a server's sending side, writes its own frames (pings, close) whole on the
   * same socket, and counts these bytes in `bufferedAmount` (the socket's writableLength).
   */
  #write(receiver: R, data: Buffer, frames: number, payload: number): void {
    const ws = receiver.ws;
    // a socket closing has its close frame written: nothing may follow it
    if (receiver.closing || ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      // A client that does not read must not make us queue without bound. Terminate rather than
      // close: a close frame would wait behind the very backlog the client is not reading.
      this.metrics.drop('backpressure');
      receiver.closing = true;
      ws.terminate();
      return;
    }
    receiver.socket.write(data);
    this.metrics.messagesOut += frames;
    this.metrics.bytesOut += payload;
  }
}
