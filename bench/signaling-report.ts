// Figures of the signalling bench (bench/signaling.ts): phase summaries, the side-by-side ratios with
// their median and spread over the repetitions, the printed table and the CPU profile's top functions.
// Nothing here measures anything by itself.

import { readFileSync } from 'node:fs';
import { LatencyHistogram } from './signaling-worker.ts';
import type { PhaseResult } from './signaling-worker.ts';

/** One load phase against one target. */
export interface PhaseSummary {
  publishesPerSec: number;
  deliveriesPerSec: number;
  delivered: number;
  expected: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuSec: number;
  serverCpuUtil: number;
  serverCpuUsPerDelivery: number;
  /** Longest event-loop stall of the server during the phase (ours only; NaN for the reference). */
  serverLoopDelayMaxMs: number;
  /** CPU of the load generators over the phase, in cores: near 1 per worker means they were the limit. */
  loadGenCpuUtil: number;
  /** The machine's 1-minute load average as the phase ended. */
  loadAverage: number;
}

export interface PhaseCost {
  readonly serverCpuSec: number;
  readonly loadGenCpuSec: number;
  readonly loopDelayMs: number;
  readonly loadAverage: number;
}

export function summarize(results: readonly PhaseResult[], cost: PhaseCost): PhaseSummary {
  const h = new LatencyHistogram();
  for (const r of results) h.merge(r.buckets);
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const delivered = results.reduce((n, r) => n + r.delivered, 0);
  const expected = results.reduce((n, r) => n + r.expected, 0);
  const seconds = Math.max(...results.map((r) => r.durationMs)) / 1000;
  return {
    publishesPerSec: sent / seconds,
    deliveriesPerSec: delivered / seconds,
    delivered,
    expected,
    lost: expected - delivered,
    p50Ms: h.quantile(0.5),
    p99Ms: h.quantile(0.99),
    serverCpuSec: cost.serverCpuSec,
    serverCpuUtil: cost.serverCpuSec / seconds,
    serverCpuUsPerDelivery: (cost.serverCpuSec * 1e6) / Math.max(1, delivered),
    serverLoopDelayMaxMs: cost.loopDelayMs,
    loadGenCpuUtil: cost.loadGenCpuSec / seconds,
    loadAverage: cost.loadAverage,
  };
}

export interface ServerResult {
  server: string;
  clients: number;
  connectFailures: number;
  connectSec: number;
  rssBaselineMB: number;
  rssConnectedMB: number;
  /** RSS growth from idle to every client connected, over the clients. */
  bytesPerConnection: number;
  /** RSS growth while the second half connected, over those clients: what one more connection costs. */
  marginalBytesPerConnection: number;
  fixed: (PhaseSummary & { offered: number })[];
  /** One saturated phase per repetition, in the order they ran. */
  saturated: PhaseSummary[];
}

/** Median, extremes and every value, in the order measured. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function spread(values: readonly number[]): Spread {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, values: [...values] };
}

const of = (phases: readonly PhaseSummary[], get: (p: PhaseSummary) => number): Spread => spread(phases.map(get));

/** How `a` compares with its baseline `b`: saturated repetition by repetition, fixed loads and memory once. */
export interface Ratios {
  /** Each repetition's pair: a's phase over b's phase of the same repetition. */
  saturated: {
    throughput: Spread;
    p50: Spread;
    p99: Spread;
    cpuPerDelivery: Spread;
    deliveriesPerCpuSecond: Spread;
  };
  fixed: Record<string, { throughput: number; p50: number; p99: number; cpuPerDelivery: number }>;
  memoryPerConnection: number;
  memoryPerConnectionSecondHalf: number;
}

export function ratiosOf(a: ServerResult, b: ServerResult): Ratios {
  const pairs = a.saturated.map((x, i) => [x, b.saturated[i]!] as const);
  const pairwise = (get: (x: PhaseSummary, y: PhaseSummary) => number): Spread =>
    spread(pairs.map(([x, y]) => get(x, y)));
  const fixed: Ratios['fixed'] = {};
  a.fixed.forEach((x, i) => {
    const y = b.fixed[i]!;
    fixed[`${x.offered} pub/s`] = {
      throughput: x.deliveriesPerSec / y.deliveriesPerSec,
      p50: x.p50Ms / y.p50Ms,
      p99: x.p99Ms / y.p99Ms,
      cpuPerDelivery: x.serverCpuUsPerDelivery / y.serverCpuUsPerDelivery,
    };
  });
  return {
    saturated: {
      throughput: pairwise((x, y) => x.deliveriesPerSec / y.deliveriesPerSec),
      p50: pairwise((x, y) => x.p50Ms / y.p50Ms),
      p99: pairwise((x, y) => x.p99Ms / y.p99Ms),
      cpuPerDelivery: pairwise((x, y) => x.serverCpuUsPerDelivery / y.serverCpuUsPerDelivery),
      deliveriesPerCpuSecond: pairwise((x, y) => y.serverCpuUsPerDelivery / x.serverCpuUsPerDelivery),
    },
    fixed,
    memoryPerConnection: a.bytesPerConnection / b.bytesPerConnection,
    memoryPerConnectionSecondHalf: a.marginalBytesPerConnection / b.marginalBytesPerConnection,
  };
}

// ---- printing ---------------------------------------------------------------------------------

export const fmt = (v: number, digits = 1): string =>
  Number.isFinite(v)
    ? v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(v);

/** "median (min–max)" */
const ranged = (s: Spread, digits: number): string =>
  s.values.length > 1
    ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
    : fmt(s.median, digits);

export function table(results: readonly ServerResult[]): string {
  const rows: [string, (r: ServerResult) => string][] = [
    ['clients connected', (r) => `${r.clients}${r.connectFailures ? ` (${r.connectFailures} failed)` : ''}`],
    ['connect + subscribe, s', (r) => fmt(r.connectSec, 2)],
    ['server RSS idle, MB', (r) => fmt(r.rssBaselineMB)],
    ['server RSS connected, MB', (r) => fmt(r.rssConnectedMB)],
    ['memory per connection, KiB', (r) => fmt(r.bytesPerConnection / 1024, 2)],
    ['memory per connection, 2nd half, KiB', (r) => fmt(r.marginalBytesPerConnection / 1024, 2)],
  ];
  (results[0]?.fixed ?? []).forEach(({ offered }, i) => {
    const f = (r: ServerResult): PhaseSummary => r.fixed[i]!;
    const tag = `${offered} pub/s`;
    rows.push(
      [`${tag}: deliveries/s`, (r) => fmt(f(r).deliveriesPerSec, 0)],
      [`${tag}: p50 / p99 latency, ms`, (r) => `${fmt(f(r).p50Ms, 2)} / ${fmt(f(r).p99Ms, 2)}`],
      [`${tag}: server CPU µs/delivery`, (r) => fmt(f(r).serverCpuUsPerDelivery, 2)],
      [`${tag}: server CPU, % of a core`, (r) => fmt(100 * f(r).serverCpuUtil, 0)],
      [`${tag}: lost deliveries`, (r) => String(f(r).lost)],
      [`${tag}: server event-loop stall max, ms`, (r) => fmt(f(r).serverLoopDelayMaxMs, 1)],
    );
  });
  const sat = (r: ServerResult, get: (p: PhaseSummary) => number): Spread => of(r.saturated, get);
  rows.push(
    [
      'saturated: deliveries/s, median (range)',
      (r) =>
        ranged(
          sat(r, (p) => p.deliveriesPerSec),
          0,
        ),
    ],
    [
      'saturated: p50 latency, ms',
      (r) =>
        ranged(
          sat(r, (p) => p.p50Ms),
          1,
        ),
    ],
    [
      'saturated: p99 latency, ms',
      (r) =>
        ranged(
          sat(r, (p) => p.p99Ms),
          1,
        ),
    ],
    [
      'saturated: server CPU µs/delivery',
      (r) =>
        ranged(
          sat(r, (p) => p.serverCpuUsPerDelivery),
          2,
        ),
    ],
    // what one core fans out: the figure a shared machine cannot skew by starving the server
    [
      'saturated: deliveries per server CPU-second',
      (r) => fmt(1e6 / sat(r, (p) => p.serverCpuUsPerDelivery).median, 0),
    ],
    [
      'saturated: server CPU, % of a core',
      (r) =>
        ranged(
          sat(r, (p) => 100 * p.serverCpuUtil),
          0,
        ),
    ],
    [
      'saturated: load generator CPU, % of a core',
      (r) =>
        ranged(
          sat(r, (p) => 100 * p.loadGenCpuUtil),
          0,
        ),
    ],
    ['saturated: lost deliveries, all repetitions', (r) => String(r.saturated.reduce((n, p) => n + p.lost, 0))],
    ['saturated: server event-loop stall max, ms', (r) => fmt(sat(r, (p) => p.serverLoopDelayMaxMs).max, 1)],
  );
  const head = ['metric', ...results.map((r) => r.server)];
  const body = rows.map(([label, get]) => [label, ...results.map(get)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function ratioLines(a: ServerResult, b: ServerResult, ratios: Ratios): string {
  const s = ratios.saturated;
  const loads = spread([...a.saturated, ...b.saturated].map((p) => p.loadAverage));
  const row = (label: string, x: Spread): string =>
    `  ${label.padEnd(28)} median ${fmt(x.median, 2)}  range ${fmt(x.min, 2)}–${fmt(x.max, 2)}  [${x.values
      .map((v) => fmt(v, 2))
      .join(', ')}]`;
  const lines = [
    `${a.server} / ${b.server}, saturated, ${s.throughput.values.length} alternating repetitions ` +
      `(load average ${fmt(loads.min, 1)}–${fmt(loads.max, 1)}):`,
    row('throughput (deliveries/s)', s.throughput),
    row('p50 latency', s.p50),
    row('p99 latency', s.p99),
    row('server CPU per delivery', s.cpuPerDelivery),
    row('deliveries per CPU-second', s.deliveriesPerCpuSecond),
  ];
  for (const [tag, r] of Object.entries(ratios.fixed)) {
    lines.push(
      `  ${tag.padEnd(28)} throughput ${fmt(r.throughput, 2)}  p50 ${fmt(r.p50, 2)}  p99 ${fmt(r.p99, 2)}  ` +
        `CPU/delivery ${fmt(r.cpuPerDelivery, 2)}`,
    );
  }
  lines.push(
    `  ${'memory per connection'.padEnd(28)} ${fmt(ratios.memoryPerConnection, 2)} (2nd half ${fmt(
      ratios.memoryPerConnectionSecondHalf,
      2,
    )})`,
  );
  return lines.join('\n');
}

// ---- profile summary --------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time by function from a V8 .cpuprofile: where the server's time goes. */
export function topFunctions(file: string, n: number): { fn: string; selfPct: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/signaling\//, 'signaling/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    if (functionName === '(idle)' || functionName === '(program)') return;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, t]) => ({ fn, selfPct: (100 * t) / total }));
}
