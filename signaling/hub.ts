// Connections, subscriptions and fan-out, with every per-connection bound enforced here.
// Knows nothing about HTTP; server.ts hands it upgraded sockets.

import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import { payloadBytes, textFrame } from './frames.ts';
import type { Limits } from './limits.ts';
import {
  CLOSE_HANDSHAKE_MS,
  CLOSE_INTERNAL_ERROR,
  CLOSE_POLICY,
  CLOSE_TOO_BIG,
  HEARTBEAT_SLICES,
  TokenBucket,
  bucketRate,
} from './limits.ts';
import type { BucketRate } from './limits.ts';
import type { Logger } from './log.ts';
import { Outbox } from './outbox.ts';
import type { DropReason, Metrics } from './metrics.ts';
import { PONG_FRAME, parseClientMessage, publishFrame } from './protocol.ts';
import type { Topic } from './protocol.ts';
import type { Relay } from './relay.ts';
import { Rooms } from './rooms.ts';

/** Per-connection state. */
export interface Client {
  readonly ws: WebSocket;
  /** The socket under `ws`: fan-out writes whole frames to it through the outbox. */
  readonly socket: Duplex;
  readonly address: string;
  readonly topics: Set<Topic>;
  readonly bucket: TokenBucket;
  readonly strikes: TokenBucket;
  alive: boolean;
  /** Which heartbeat slice pings this client. */
  readonly slot: number;
  closing: boolean;
  /** Close code this server sent, if it initiated the close. */
  sentCode: number | null;
}

const PONG = textFrame(PONG_FRAME);

/** What a socket's events call: one set for every connection, so a connection holds no closures of its own. */
interface SocketListeners {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  pong(this: WebSocket): void;
  error(this: WebSocket, err: Error & { code?: string }): void;
  close(this: WebSocket, code: number): void;
}

export class Hub {
  readonly clients = new Set<Client>();
  readonly rooms: Rooms<Client>;
  #relay: Relay | null = null;
  readonly #emptyWaiters: (() => void)[] = [];
  #accepted = 0;
  #heartbeatTick = 0;
  readonly #outbox = new Outbox();
  readonly #clientOf = new WeakMap<WebSocket, Client>();
  readonly #listeners: SocketListeners;
  readonly #messageRate: BucketRate;
  readonly #strikeRate: BucketRate;

  constructor(
    private readonly limits: Limits,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.rooms = new Rooms<Client>({
      opened: (topic) => this.#relay?.open(topic),
      closed: (topic) => this.#relay?.close(topic),
    });
    this.#messageRate = bucketRate(limits.messageRatePerSecond, limits.messageBurst);
    this.#strikeRate = bucketRate(limits.strikeRatePerSecond, limits.strikeBurst);
    const clientOf = (ws: WebSocket): Client | undefined => this.#clientOf.get(ws);
    const onFrame = (client: Client, data: RawData, isBinary: boolean): void => {
      try {
        this.#onFrame(client, data as Buffer, isBinary); // binaryType 'nodebuffer': always one Buffer
      } catch (err) {
        // a bug here must cost one connection, not the process
        this.log.error('frame handler failed', { error: String(err) });
        this.close(client, CLOSE_INTERNAL_ERROR, 'internal error');
      }
    };
    const onError = (client: Client | undefined, err: Error & { code?: string }): void => {
      // ws closes the socket itself (1009 for maxPayload, 1002/1007 for protocol errors)
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' && client !== undefined) {
        this.metrics.drop('too_big');
        client.sentCode = CLOSE_TOO_BIG;
      }
      this.log.debug('socket error', { code: err.code ?? 'unknown' });
    };
    const onClose = (client: Client | undefined, code: number): void => {
      if (client !== undefined) this.#detach(client, code);
    };
    this.#listeners = {
      message(data, isBinary) {
        const client = clientOf(this);
        if (client !== undefined) onFrame(client, data, isBinary);
      },
      pong() {
        const client = clientOf(this);
        if (client !== undefined) client.alive = true;
      },
      error(err) {
        onError(clientOf(this), err);
      },
      close(code) {
        onClose(clientOf(this), code);
      },
    };
  }

  /** Relay publishes to other instances; the relay delivers theirs through `deliver`. */
  useRelay(relay: Relay): void {
    this.#relay = relay;
  }

  /** Take over an upgraded connection: `socket` is the one `ws` was made on. */
  attach(ws: WebSocket, socket: Duplex, address: string): Client {
    const now = performance.now();
    const client: Client = {
      ws,
      socket,
      address,
      topics: new Set(),
      bucket: new TokenBucket(this.#messageRate, now),
      strikes: new TokenBucket(this.#strikeRate, now),
      alive: true,
      slot: this.#accepted++ % HEARTBEAT_SLICES,
      closing: false,
      sentCode: null,
    };
    this.clients.add(client);
    this.#clientOf.set(ws, client);
    this.metrics.connectionsAccepted++;
    const listeners = this.#listeners;
    ws.on('message', listeners.message);
    ws.on('pong', listeners.pong);
    ws.on('error', listeners.error);
    ws.on('close', listeners.close);
    return client;
  }

  #detach(client: Client, code: number): void {
    if (!this.clients.delete(client)) return;
    client.closing = true;
    for (const topic of client.topics) this.rooms.remove(topic, client);
    client.topics.clear();
    // ws reports the peer's code, or 1006 when it stopped reading (after a protocol error)
    this.metrics.closed(client.sentCode ?? code);
    if (this.clients.size === 0) for (const wake of this.#emptyWaiters.splice(0)) wake();
  }

  /** Resolves once no connection is left. */
  whenEmpty(): Promise<void> {
    if (this.clients.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  #onFrame(client: Client, data: Buffer, isBinary: boolean): void {
    if (client.closing) return;
    const started = performance.now();
    this.metrics.bytesIn += data.length;
    // the bucket comes first so a flood costs no parsing
    if (!client.bucket.take(started)) return this.#drop(client, 'rate', started);
    if (isBinary) return this.#drop(client, 'binary', started);
    const parsed = parseClientMessage(data.toString('utf8'));
    if (!parsed.ok) return this.#drop(client, parsed.error, started);
    const message = parsed.message;
    this.metrics.messageIn(message.type);
    switch (message.type) {
      case 'subscribe':
        for (const topic of message.topics) {
          if (client.topics.has(topic)) continue;
          if (client.topics.size >= this.limits.maxTopicsPerConnection) {
            this.#drop(client, 'topic_limit', started);
            break;
          }
          client.topics.add(topic);
          this.rooms.add(topic, client);
        }
        break;
      case 'unsubscribe':
        for (const topic of message.topics) {
          if (client.topics.delete(topic)) this.rooms.remove(topic, client);
        }
        break;
      case 'publish':
        this.deliver(message.topic, message.raw);
        this.#relay?.publish(message.topic, message.raw);
        this.metrics.fanout.observe((performance.now() - started) / 1000);
        break;
      case 'ping':
        this.#send(client, PONG);
        break;
    }
  }

  /** Fan a publish out to this instance's subscribers of `topic`; returns how many got it. */
  deliver(topic: string, raw: string): number {
    const subs = this.rooms.subscribers(topic);
    if (subs === undefined) return 0;
    // encode once, WebSocket framing included, not once per receiver as the reference server does
    const frame = textFrame(publishFrame(raw, subs.size));
    let sent = 0;
    for (const receiver of subs) if (this.#send(receiver, frame)) sent++;
    return sent;
  }

  /**
   * Queue a whole frame on the client's socket, sent with the rest of this turn's (outbox.ts).
   * NOTE: written beside ws, not through ws.send, by design: with perMessageDeflate off ws keeps no
   * per-frame state on a server's sending side, writes its own frames (pings, close) whole on the
   * same socket, and counts these bytes in `bufferedAmount` (the socket's writableLength).
   */
  #send(client: Client, frame: Buffer): boolean {
    const ws = client.ws;
    if (client.closing || ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.limits.maxBufferedBytes) {
      // A client that does not read must not make us queue without bound. Terminate rather than
      // close: a close frame would wait behind the very backlog the client is not reading.
      this.metrics.drop('backpressure');
      client.closing = true;
      ws.terminate();
      return false;
    }
    this.#outbox.write(client.socket, frame);
    this.metrics.messagesOut++;
    this.metrics.bytesOut += payloadBytes(frame);
    return true;
  }

  #drop(client: Client, reason: DropReason, now: number): void {
    this.metrics.drop(reason);
    if (!client.strikes.take(now)) {
      this.log.debug('closing misbehaving client', { reason });
      this.close(client, CLOSE_POLICY, 'policy: too many dropped frames');
    }
  }

  close(client: Client, code: number, reason: string): void {
    if (client.closing) return;
    client.closing = true;
    client.sentCode = code;
    client.ws.close(code, reason);
    // ws itself waits 30 s for the close handshake; a peer that never answers loses its slot sooner
    const timer = setTimeout(() => client.ws.terminate(), CLOSE_HANDSHAKE_MS);
    timer.unref();
    client.ws.once('close', () => clearTimeout(timer));
  }

  /**
   * Ping one slice of the clients; whoever did not answer its previous ping is gone. Called
   * HEARTBEAT_SLICES times per interval, so 10,000 pings do not all leave in one event-loop turn.
   */
  heartbeat(): void {
    const slice = this.#heartbeatTick++ % HEARTBEAT_SLICES;
    for (const client of this.clients) {
      if (client.slot !== slice) continue;
      if (!client.alive) {
        this.log.debug('terminating dead connection');
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  closeAll(code: number, reason: string): void {
    for (const client of this.clients) this.close(client, code, reason);
  }

  terminateAll(): void {
    for (const client of this.clients) client.ws.terminate();
  }
}
