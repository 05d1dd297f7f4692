// Connections, subscriptions and fan-out, with every per-connection bound enforced here.
// Knows nothing about HTTP; server.ts hands it upgraded sockets.

import type { Duplex } from 'node:stream';
import { Fanout } from './fanout.ts';
import type { Receiver } from './fanout.ts';
import { textFrame } from './frames.ts';
import { Heartbeat } from './heartbeat.ts';
import type { HubSocket, SocketEvents } from './hub-socket.ts';
import type { Live } from './heartbeat.ts';
import type { Limits } from './limits.ts';
import {
  CLOSE_HANDSHAKE_MS,
  CLOSE_INTERNAL_ERROR,
  CLOSE_POLICY,
  CLOSE_TOO_BIG,
  TokenBucket,
  bucketRate,
} from './limits.ts';
import type { BucketRate } from './limits.ts';
import type { Logger } from './log.ts';
import type { DropReason, Metrics } from './metrics.ts';
import { PONG_FRAME, fastPublishTopic, parseClientMessage } from './protocol.ts';
import type { Topic } from './protocol.ts';
import type { Relay } from './relay.ts';
import { Rooms } from './rooms.ts';

/** Per-connection state. */
export interface Client extends Live, Receiver {
  readonly ws: HubSocket<Client>;
  readonly address: string;
  readonly topics: Set<Topic>;
  readonly bucket: TokenBucket;
  /**
   * Made at the first dropped frame: most connections never have one, and an untouched bucket is
   * full, as a new one is.
   */
  strikes: TokenBucket | null;
  /** Close code this server sent, if it initiated the close. */
  sentCode: number | null;
}

const PONG = textFrame(PONG_FRAME);

export class Hub {
  readonly clients = new Set<Client>();
  readonly rooms: Rooms<Client>;
  #relay: Relay | null = null;
  readonly heartbeat: Heartbeat;
  readonly #emptyWaiters: (() => void)[] = [];
  readonly #fanout: Fanout<Client>;
  /** What every connection's events call, so a connection holds no closures of its own. */
  readonly #events: SocketEvents<Client>;
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
    this.heartbeat = new Heartbeat(this.clients, log);
    this.#fanout = new Fanout<Client>(limits.maxBufferedBytes, metrics, (topic) => this.rooms.subscribers(topic));
    this.#messageRate = bucketRate(limits.messageRatePerSecond, limits.messageBurst);
    this.#strikeRate = bucketRate(limits.strikeRatePerSecond, limits.strikeBurst);
    this.#events = {
      message: (client, data, isBinary) => {
        try {
          this.#onFrame(client, data, isBinary);
        } catch (err) {
          // a bug here must cost one connection, not the process
          this.log.error('frame handler failed', { error: String(err) });
          this.close(client, CLOSE_INTERNAL_ERROR, 'internal error');
        }
      },
      pong: (client) => {
        client.alive = true;
      },
      error: (client, err) => {
        // ws closes the socket itself (1009 for maxPayload, 1002/1007 for protocol errors)
        if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          this.metrics.drop('too_big');
          client.sentCode = CLOSE_TOO_BIG;
        }
        this.log.debug('socket error', { code: err.code ?? 'unknown' });
      },
      close: (client, code) => this.#detach(client, code),
    };
  }

  /** Relay publishes to other instances; the relay delivers theirs through `deliver`. */
  useRelay(relay: Relay): void {
    this.#relay = relay;
  }

  /** Take over an upgraded connection: `socket` is the one `ws` was made on. */
  attach(ws: HubSocket<Client>, socket: Duplex, address: string): Client {
    const now = performance.now();
    const client: Client = {
      ws,
      socket,
      address,
      topics: new Set(),
      bucket: new TokenBucket(this.#messageRate, now),
      strikes: null,
      alive: true,
      slot: this.heartbeat.nextSlot(),
      closing: false,
      sentCode: null,
    };
    this.clients.add(client);
    ws.bind(client, this.#events);
    this.metrics.connectionsAccepted++;
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
    // nearly every frame is a publish of y-webrtc's own shape: routed on its bytes, never decoded
    const fast = fastPublishTopic(data);
    if (fast !== null) return this.#publish(fast, data, started);
    const parsed = parseClientMessage(data.toString('utf8'));
    if (!parsed.ok) return this.#drop(client, parsed.error, started);
    const message = parsed.message;
    if (message.type === 'publish') return this.#publish(message.topic, data, started);
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
          this.#fanout.settle(topic);
          this.rooms.add(topic, client);
        }
        break;
      case 'unsubscribe':
        for (const topic of message.topics) {
          if (!client.topics.delete(topic)) continue;
          this.#fanout.settle(topic);
          this.rooms.remove(topic, client);
        }
        break;
      case 'ping':
        this.#fanout.send(client, PONG);
        break;
    }
  }

  #publish(topic: Topic, raw: Buffer, started: number): void {
    this.metrics.messageIn('publish');
    this.deliver(topic, raw);
    // the relay carries text; decoded only when there is one
    this.#relay?.publish(topic, raw.toString('utf8'));
    this.metrics.fanout.observe((performance.now() - started) / 1000);
  }

  /** Fan a publish (a frame's JSON bytes) out to this instance's subscribers of `topic`; returns how many got it. */
  deliver(topic: string, raw: Buffer): number {
    const subs = this.rooms.subscribers(topic);
    return subs === undefined ? 0 : this.#fanout.deliver(topic, subs, raw);
  }

  #drop(client: Client, reason: DropReason, now: number): void {
    this.metrics.drop(reason);
    client.strikes ??= new TokenBucket(this.#strikeRate, now);
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

  closeAll(code: number, reason: string): void {
    for (const client of this.clients) this.close(client, code, reason);
  }

  terminateAll(): void {
    for (const client of this.clients) client.ws.terminate();
  }
}
