// Counters kept as plain numbers on the hot path, rendered as Prometheus text on scrape.
// Hand-written rather than prom-client: one registry per server instance (tests run several in
// one process) and no label hashing per frame.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { AbandonReason } from './pending.ts';
import type { ParseError } from './protocol.ts';

export type DropReason =
  ParseError | 'binary' | 'too_big' | 'rate' | 'topic_limit' | 'backpressure' | 'relay_unavailable';

export type RejectReason = 'address_limit' | 'capacity' | 'draining' | 'bad_path' | 'origin';

/** Fan-out latency buckets, seconds. */
export const FANOUT_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }
}

export interface Gauges {
  readonly connections: number;
  readonly topics: number;
  readonly subscriptions: number;
  readonly addresses: number;
  /** Connections accepted that have not completed a request or upgrade yet. */
  readonly pending: number;
  readonly relayUp: number | null;
}

const inc = <K>(map: Map<K, number>, key: K, by = 1): void => {
  map.set(key, (map.get(key) ?? 0) + by);
};

export class Metrics {
  connectionsAccepted = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  relayIn = 0;
  relayOut = 0;
  readonly messagesIn = new Map<string, number>();
  readonly drops = new Map<DropReason, number>();
  readonly rejects = new Map<RejectReason, number>();
  readonly closes = new Map<number, number>();
  readonly abandoned = new Map<AbandonReason, number>();
  readonly fanout = new Histogram(FANOUT_BUCKETS);

  /** Event-loop delay since the last scrape: the first sign of an overloaded server. */
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly gauges: () => Gauges) {
    this.#loopDelay.enable();
  }

  /** Stop background sampling (on shutdown). */
  stop(): void {
    this.#loopDelay.disable();
  }

  messageIn(type: string): void {
    inc(this.messagesIn, type);
  }
  drop(reason: DropReason): void {
    inc(this.drops, reason);
  }
  reject(reason: RejectReason): void {
    inc(this.rejects, reason);
  }
  closed(code: number): void {
    inc(this.closes, code);
  }
  abandon(reason: AbandonReason): void {
    inc(this.abandoned, reason);
  }

  /** Total frames dropped, whatever the reason. */
  get dropped(): number {
    let n = 0;
    for (const v of this.drops.values()) n += v;
    return n;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const g = this.gauges();
    const mem = process.memoryUsage();
    const out: string[] = [];
    const metric = (
      name: string,
      type: string,
      help: string,
      samples: readonly (readonly [string, number])[],
    ): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
    };
    const labelled = <K>(label: string, map: Map<K, number>): [string, number][] =>
      [...map].map(([k, v]) => [`{${label}="${String(k)}"}`, v]);

    metric('signaling_connections', 'gauge', 'Open WebSocket connections.', [['', g.connections]]);
    metric('signaling_addresses', 'gauge', 'Distinct remote addresses with open connections.', [['', g.addresses]]);
    metric('signaling_topics', 'gauge', 'Topics with at least one local subscriber.', [['', g.topics]]);
    metric('signaling_subscriptions', 'gauge', 'Topic subscriptions over all connections.', [['', g.subscriptions]]);
    metric('signaling_connections_accepted_total', 'counter', 'WebSocket connections accepted.', [
      ['', this.connectionsAccepted],
    ]);
    metric(
      'signaling_connections_rejected_total',
      'counter',
      'WebSocket upgrades refused.',
      labelled('reason', this.rejects),
    );
    metric('signaling_pending_connections', 'gauge', 'Connections still before their first request or upgrade.', [
      ['', g.pending],
    ]);
    metric(
      'signaling_pending_closed_total',
      'counter',
      'Connections closed before completing a request: timed out, or evicted by a newer one.',
      labelled('reason', this.abandoned),
    );
    metric('signaling_closes_total', 'counter', 'Connections closed, by close code.', labelled('code', this.closes));
    metric(
      'signaling_messages_in_total',
      'counter',
      'Frames received, by message type.',
      labelled('type', this.messagesIn),
    );
    metric('signaling_messages_out_total', 'counter', 'Frames sent.', [['', this.messagesOut]]);
    metric('signaling_bytes_in_total', 'counter', 'Payload bytes received.', [['', this.bytesIn]]);
    metric('signaling_bytes_out_total', 'counter', 'Payload bytes sent.', [['', this.bytesOut]]);
    metric('signaling_drops_total', 'counter', 'Frames dropped, by reason.', labelled('reason', this.drops));
    metric('signaling_relay_messages_total', 'counter', 'Publishes relayed through Redis.', [
      ['{direction="out"}', this.relayOut],
      ['{direction="in"}', this.relayIn],
    ]);
    if (g.relayUp !== null)
      metric('signaling_relay_up', 'gauge', '1 if the Redis relay is connected.', [['', g.relayUp]]);

    const h = this.fanout;
    out.push(
      '# HELP signaling_fanout_seconds Time from receiving a publish to queuing it for every local subscriber (it leaves with the batch of its room at the end of the event-loop turn).',
      '# TYPE signaling_fanout_seconds histogram',
    );
    let cumulative = 0;
    h.buckets.forEach((le, i) => {
      cumulative += h.counts[i] as number;
      out.push(`signaling_fanout_seconds_bucket{le="${le}"} ${cumulative}`);
    });
    out.push(
      `signaling_fanout_seconds_bucket{le="+Inf"} ${h.count}`,
      `signaling_fanout_seconds_sum ${h.sum}`,
      `signaling_fanout_seconds_count ${h.count}`,
    );

    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', mem.rss]]);
    metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap used in bytes.', [['', mem.heapUsed]]);
    metric('process_uptime_seconds', 'gauge', 'Seconds since the process started.', [['', process.uptime()]]);
    const d = this.#loopDelay;
    metric(
      'nodejs_eventloop_delay_seconds',
      'gauge',
      'Event-loop delay since the previous scrape (10 ms sampling).',
      d.count === 0
        ? []
        : [
            ['{quantile="0.5"}', d.percentile(50) / 1e9],
            ['{quantile="0.99"}', d.percentile(99) / 1e9],
            ['{quantile="1"}', d.max / 1e9],
          ],
    );
    d.reset();
    return `${out.join('\n')}\n`;
  }
}
