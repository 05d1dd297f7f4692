// Relays publishes between server instances through Redis pub/sub, so peers that reached
// different instances behind a load balancer still meet.

import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import { withTopic, withoutTopic } from './protocol.ts';

/** How another instance's publishes reach this one. */
export interface Relay {
  /** This instance gained its first local subscriber to `topic`. */
  open(topic: string): void;
  /** This instance lost its last local subscriber to `topic`. */
  close(topic: string): void;
  /** Offer a local publish to the other instances. */
  publish(topic: string, raw: string): void;
  readonly up: boolean;
  stop(): Promise<void>;
}

export const RELAY_CHANNEL_PREFIX = 'kaifong:signal:';

/** Redis channel for a topic; hashed so room ids never appear in Redis or its logs (payloads carry no topic either). */
export function channelFor(topic: string): string {
  return RELAY_CHANNEL_PREFIX + createHash('sha256').update(topic).digest('base64url');
}

export interface RedisRelayOptions {
  readonly url: string;
  /** Fan a relayed publish out to local subscribers. */
  readonly deliver: (topic: string, raw: string) => void;
  readonly metrics: Metrics;
  readonly log: Logger;
}

export class RedisRelay implements Relay {
  /** Tags our own publishes so we skip them when Redis echoes them back. */
  readonly instanceId: string = randomBytes(8).toString('hex');
  readonly #pub: Redis;
  readonly #sub: Redis;
  /** channel → topic for every topic with local subscribers. */
  readonly #channels = new Map<string, string>();
  readonly #options: RedisRelayOptions;
  #state: 'starting' | 'up' | 'down' = 'starting';
  #stopped = false;

  constructor(options: RedisRelayOptions) {
    this.#options = options;
    // No offline queue: while Redis is away publishes are dropped, not buffered without bound.
    // No auto-resubscribe: on every (re)connect we subscribe to exactly the open topics.
    const common = {
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(100 * times, 2_000),
    };
    this.#pub = new Redis(options.url, { ...common, connectionName: `kaifong-pub-${this.instanceId}` });
    this.#sub = new Redis(options.url, { ...common, connectionName: `kaifong-sub-${this.instanceId}` });
    for (const conn of [this.#pub, this.#sub]) {
      conn.on('error', (err: Error) => this.#transition(err.message));
      conn.on('close', () => this.#transition('connection closed'));
      conn.on('ready', () => this.#transition(null));
    }
    this.#sub.on('ready', () => this.#resubscribe());
    this.#sub.on('message', (channel: string, message: string) => this.#onMessage(channel, message));
  }

  get up(): boolean {
    return this.#pub.status === 'ready' && this.#sub.status === 'ready';
  }

  open(topic: string): void {
    const channel = channelFor(topic);
    this.#channels.set(channel, topic);
    if (this.#sub.status === 'ready') this.#sub.subscribe(channel).catch(() => {});
  }

  close(topic: string): void {
    const channel = channelFor(topic);
    this.#channels.delete(channel);
    if (this.#sub.status === 'ready') this.#sub.unsubscribe(channel).catch(() => {});
  }

  publish(topic: string, raw: string): void {
    if (this.#pub.status !== 'ready') {
      this.#options.metrics.drop('relay_unavailable');
      return;
    }
    this.#options.metrics.relayOut++;
    this.#pub.publish(channelFor(topic), `${this.instanceId}:${withoutTopic(raw)}`).catch(() => {
      this.#options.metrics.drop('relay_unavailable');
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pub.disconnect();
    this.#sub.disconnect();
    await Promise.resolve();
  }

  #onMessage(channel: string, message: string): void {
    const colon = message.indexOf(':');
    if (colon < 0 || message.slice(0, colon) === this.instanceId) return;
    const topic = this.#channels.get(channel);
    if (topic === undefined) return;
    const body = message.slice(colon + 1);
    if (!body.startsWith('{')) return;
    this.#options.metrics.relayIn++;
    this.#options.deliver(topic, withTopic(body, topic));
  }

  #resubscribe(): void {
    // a fresh connection has no subscriptions; a failure here is retried on the next ready
    if (this.#channels.size > 0) this.#sub.subscribe(...this.#channels.keys()).catch(() => {});
  }

  #transition(error: string | null): void {
    if (this.#stopped) return;
    const state = this.up ? 'up' : error === null && this.#state === 'starting' ? 'starting' : 'down';
    if (state === this.#state) return;
    this.#state = state;
    if (state === 'up') this.#options.log.info('relay connected');
    else this.#options.log.warn('relay unavailable; serving local clients only', { error: error ?? 'unknown' });
  }
}
