// Signalling benchmark: this server (all bounds on) side by side with y-webrtc's bin/server.js, then
// a district (DISTRICT_ROOMS squares of DISTRICT_PEERS peers) on DISTRICT_INSTANCES instances relaying
// through Redis, beside the same district on one instance.
// Run: npm run bench:signaling
// Env: CLIENTS, ROOMS, WORKERS, ROUNDS, DURATION_MS, RATES, WINDOW, PAYLOAD, BENCH_PROFILE=1 (CPU profile of ours),
// SERVER_NODE_ARGS (Node options for ours),
// DISTRICT_ROOMS, DISTRICT_PEERS, DISTRICT_INSTANCES, DISTRICT_RATES (DISTRICT_ROOMS=0 skips the district).
// Servers and load generators are separate processes; memory is the servers' VmRSS; everything is
// on 127.0.0.1 and stops by itself.

import { execFileSync, fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from '../signaling/limits.ts';
import { ServerProcess, signalingServer, type Launch } from '../tests/support/server-process.ts';
import { startRedis } from '../tests/signaling/redis-server.ts';
import type { RedisProcess } from '../tests/signaling/redis-server.ts';
import { LatencyHistogram } from './signaling-worker.ts';
import type { PhaseResult, WorkerCommand, WorkerReply } from './signaling-worker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const CLIENTS = env('CLIENTS', 5_000);
const ROOMS = env('ROOMS', 500);
const WORKERS = env('WORKERS', 1); // one load process leaves the other core of a 2-core box to the server
const DURATION_MS = env('DURATION_MS', 4_000);
const RATES = (process.env['RATES'] ?? '1000,3000,5000').split(',').map(Number); // publishes/s, one fixed-load phase each
// publishes in flight per room in the saturation phase: a newcomer signals to every peer of its room at once
const WINDOW = env('WINDOW', 8);
const PAYLOAD = env('PAYLOAD', 512); // bytes of `data`, about one encrypted y-webrtc signal
const PROFILE = process.env['BENCH_PROFILE'] === '1';
const ROUNDS = env('ROUNDS', 3); // the table shows the best of the rounds (see best())
const PER_ADDRESS = Math.min(100, DEFAULT_LIMITS.maxConnectionsPerAddress);
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const PROFILE_DIR = join(RESULTS_DIR, 'signaling-profile');
/** More Node options for our server (e.g. `--max-semi-space-size=1`), to weigh them. */
const SERVER_NODE_ARGS = (process.env['SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const DISTRICT_ROOMS = env('DISTRICT_ROOMS', 100);
const DISTRICT_PEERS = env('DISTRICT_PEERS', 50);
const DISTRICT_INSTANCES = env('DISTRICT_INSTANCES', 3);
const DISTRICT_RATES = (process.env['DISTRICT_RATES'] ?? '500,1000').split(',').map(Number);

if (CLIENTS % ROOMS !== 0 || (ROOMS / WORKERS) % 1 !== 0 || (DISTRICT_ROOMS / WORKERS) % 1 !== 0)
  throw new Error('CLIENTS must divide by ROOMS, ROOMS and DISTRICT_ROOMS by WORKERS');

/** The load one run puts on its servers. */
interface Shape {
  readonly rooms: number;
  readonly clientsPerRoom: number;
  /** Fixed loads, publishes/s, one phase each. */
  readonly rates: readonly number[];
}
const SQUARE_SHAPE: Shape = { rooms: ROOMS, clientsPerRoom: CLIENTS / ROOMS, rates: RATES };
const DISTRICT_SHAPE: Shape = { rooms: DISTRICT_ROOMS, clientsPerRoom: DISTRICT_PEERS, rates: DISTRICT_RATES };
const clientsOf = (shape: Shape): number => shape.rooms * shape.clientsPerRoom;
const MAX_CLIENTS = Math.max(CLIENTS, clientsOf(DISTRICT_SHAPE));

// ---- process plumbing -------------------------------------------------------------------------

function fdLimits(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '')
    .split(/\s{2,}/)
    .slice(1, 3)
    .map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  return { soft: soft ?? 1024, hard: hard ?? 1024 };
}

/** Wrap a command so the child gets at least `need` file descriptors, or explain why it cannot. */
function withFdLimit(need: number, command: string, args: readonly string[]): [string, string[]] {
  const { soft, hard } = fdLimits();
  if (soft >= need) return [command, [...args]];
  if (hard < need) {
    throw new Error(
      `need ${need} open files per process but the hard limit is ${hard}: raise it (e.g. \`ulimit -Hn 65536\` as root, ` +
        `or LimitNOFILE in systemd) or run with fewer CLIENTS`,
    );
  }
  return ['sh', ['-c', `ulimit -Sn ${need} && exec "$0" "$@"`, command, ...args]];
}

/** A server's command line under withFdLimit: one descriptor per client, and some to spare. */
function withClientFds(launch: Launch): Launch {
  const [command, args] = withFdLimit(MAX_CLIENTS + 256, launch.command, launch.args);
  return { ...launch, command, args };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

/** One server, or several behind one name (a district's instances): what a run loads and measures. */
interface Target {
  name: string;
  processes: ServerProcess[];
  /** Signalling URL of each process; member i of a room connects to urls[i % urls.length]. */
  urls: string[];
  /** Our server only: /metrics of each process, for its event-loop delay. */
  metricsUrls: string[];
  stop(): Promise<void>;
}

const pidsOf = (target: Target): number[] => target.processes.map((p) => p.pid!);
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

// Load workers only; ServerProcess kills the servers on exit.
const children = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** The bench's own token: /metrics is served on the app's port only with one. */
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/**
 * `instances` of our server; with `redisUrl` they relay through it. `nodeFlags` replaces the
 * server's own Node options ([] runs it on Node's defaults, as before they were set).
 */
async function startKaifong(
  name: string,
  instances = 1,
  redisUrl: string | null = null,
  nodeFlags?: readonly string[],
): Promise<Target> {
  const processes = Array.from({ length: instances }, () =>
    signalingServer({
      nodeFlags,
      nodeArgs: [
        ...SERVER_NODE_ARGS,
        ...(PROFILE && redisUrl === null ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      ],
      env: {
        METRICS_TOKEN,
        ...(redisUrl === null ? {} : { REDIS_URL: redisUrl }),
        ...(MAX_CLIENTS > DEFAULT_LIMITS.maxConnections ? { MAX_CONNECTIONS: String(MAX_CLIENTS + 100) } : {}),
      },
      wrap: withClientFds,
      onLine: process.env['BENCH_SERVER_LOG'] ? (line) => console.log(`  [kaifong] ${line}`) : undefined,
      stopTimeoutMs: 8_000,
    }),
  );
  await Promise.all(processes.map((p) => p.start()));
  return {
    name,
    processes,
    urls: processes.map((p) => `ws://127.0.0.1:${p.port}/signal`),
    metricsUrls: processes.map((p) => `${p.url}/metrics`),
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

async function startReference(): Promise<Target> {
  const server = new ServerProcess({
    name: 'y-webrtc bin/server.js',
    launch: (port) =>
      withClientFds({
        command: process.execPath,
        args: ['--import', './bench/signaling-loopback.mjs', 'node_modules/y-webrtc/bin/server.js'],
        env: { PORT: String(port) },
      }),
    ready: { kind: 'tcp' },
    stopTimeoutMs: 8_000,
  });
  await server.start();
  return {
    name: 'y-webrtc bin/server.js',
    processes: [server],
    urls: [`ws://127.0.0.1:${server.port}/signal`],
    metricsUrls: [],
    stop: async () => {
      await server.stop();
    },
  };
}

// ---- load generation --------------------------------------------------------------------------

class Worker {
  readonly #pending: ((reply: WorkerReply) => void)[] = [];
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => this.#pending.shift()?.(reply));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }
  static spawn(): Worker {
    const need = Math.ceil(MAX_CLIENTS / WORKERS) + 256;
    const [cmd, args] = withFdLimit(need, process.execPath, ['--import', 'tsx', 'bench/signaling-worker.ts']);
    const child =
      cmd === process.execPath
        ? fork('bench/signaling-worker.ts', [], { cwd: ROOT, execArgv: ['--import', 'tsx'] })
        : spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Worker(track(child));
  }
  ask(command: WorkerCommand): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.#pending.push(resolve);
      this.child.once('exit', (code) => reject(new Error(`load worker exited (${code})`)));
      this.child.send(command);
    });
  }
}

interface PhaseSummary {
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
}

/** Max event-loop delay of any of the processes since the previous scrape, from our /metrics. */
async function loopDelayMaxMs(metricsUrls: readonly string[]): Promise<number> {
  if (metricsUrls.length === 0) return NaN;
  const delays = await Promise.all(
    metricsUrls.map(async (url) => {
      const text = await (await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const m = /^nodejs_eventloop_delay_seconds\{quantile="1"\} (\S+)$/m.exec(text);
      return m ? Number(m[1]) * 1000 : NaN;
    }),
  );
  return Math.max(...delays);
}

function summarize(results: PhaseResult[], cpuSec: number, loopDelayMs: number): PhaseSummary {
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
    serverCpuSec: cpuSec,
    serverCpuUtil: cpuSec / seconds,
    serverCpuUsPerDelivery: (cpuSec * 1e6) / Math.max(1, delivered),
    serverLoopDelayMaxMs: loopDelayMs,
  };
}

interface ServerResult {
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
  saturated: PhaseSummary;
}

/** Resident memory of every process of the target. */
const rssOf = (target: Target): number => sum(pidsOf(target).map(rssBytes));

async function runAgainst(target: Target, shape: Shape): Promise<ServerResult> {
  const pids = pidsOf(target);
  await sleep(2_000); // past start-up's own garbage
  const rssBase = rssOf(target);
  const workers = Array.from({ length: WORKERS }, () => Worker.spawn());
  try {
    const roomsPerWorker = shape.rooms / WORKERS;
    let clients = 0;
    let failures = 0;
    let connectMs = 0;
    /** Connects the rooms of `half` (0 or 1) in every worker. */
    const connectHalf = async (half: number): Promise<number> => {
      const replies = await Promise.all(
        workers.map((w, i) => {
          const all = Array.from({ length: roomsPerWorker }, (_, r) => `bench-${i}-${r}`);
          const mid = Math.floor(all.length / 2);
          return w.ask({
            cmd: 'connect',
            urls: target.urls,
            rooms: half === 0 ? all.slice(0, mid) : all.slice(mid),
            clientsPerRoom: shape.clientsPerRoom,
            // 127.0.0.0/8 is loopback: distinct source addresses keep each under the per-address cap
            addresses: Array.from({ length: 125 }, (_, a) => `127.0.${10 + i}.${a + 1 + 125 * half}`),
            perAddress: PER_ADDRESS,
          });
        }),
      );
      let connected = 0;
      let slowest = 0;
      for (const r of replies) {
        if (r.ok !== 'connected') throw new Error('unexpected reply');
        connected += r.clients;
        failures += r.failures;
        slowest = Math.max(slowest, r.ms);
        if (r.firstError) console.warn(`  connect error on ${target.name}: ${r.firstError}`);
      }
      clients += connected;
      connectMs += slowest;
      await sleep(1_000);
      return connected;
    };
    await connectHalf(0);
    const rssHalf = rssOf(target);
    const secondHalf = await connectHalf(1);
    const rssConnected = rssOf(target);

    const phase = async (command: WorkerCommand): Promise<PhaseSummary> => {
      await loopDelayMaxMs(target.metricsUrls); // resets the window
      const cpu0 = sum(pids.map(cpuSeconds));
      const replies = await Promise.all(workers.map((w) => w.ask(command)));
      const cpu = sum(pids.map(cpuSeconds)) - cpu0;
      const loopDelay = await loopDelayMaxMs(target.metricsUrls);
      return summarize(
        replies.map((r) =>
          r.ok === 'phase'
            ? r.result
            : ({ sent: 0, delivered: 0, expected: 0, durationMs: 1, buckets: [] } as PhaseResult),
        ),
        cpu,
        loopDelay,
      );
    };
    // warm-up (JIT, first GCs), not reported
    await phase({
      cmd: 'fixed',
      rate: (shape.rates[0] ?? 1000) / WORKERS,
      durationMs: 1_500,
      payloadBytes: PAYLOAD,
    });
    const fixed: (PhaseSummary & { offered: number })[] = [];
    for (const rate of shape.rates) {
      fixed.push({
        offered: rate,
        ...(await phase({ cmd: 'fixed', rate: rate / WORKERS, durationMs: DURATION_MS, payloadBytes: PAYLOAD })),
      });
    }
    const saturated = await phase({ cmd: 'saturate', window: WINDOW, durationMs: DURATION_MS, payloadBytes: PAYLOAD });
    return {
      server: target.name,
      clients,
      connectFailures: failures,
      connectSec: connectMs / 1000,
      rssBaselineMB: rssBase / 1e6,
      rssConnectedMB: rssConnected / 1e6,
      bytesPerConnection: (rssConnected - rssBase) / Math.max(1, clients),
      marginalBytesPerConnection: (rssConnected - rssHalf) / Math.max(1, secondHalf),
      fixed,
      saturated,
    };
  } finally {
    await Promise.all(
      workers.map(async (w) => {
        if (w.child.connected) await w.ask({ cmd: 'close' }).catch(() => {});
        await Promise.race([w.exited, sleep(3_000)]);
        w.child.kill('SIGKILL');
      }),
    );
  }
}

// ---- profile summary --------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time by function from a V8 .cpuprofile: where the server's time goes. */
function topFunctions(file: string, n: number): { fn: string; selfPct: number }[] {
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

// highest across rounds: losses and failures (worst case), and peak CPU use (how server-bound a round got)
const HIGHEST = new Set(['lost', 'connectFailures', 'serverCpuUtil', 'serverCpuSec']);

/**
 * Field-wise best of the rounds: the highest rate (`…PerSec`), the lowest latency, CPU and memory.
 * Other processes on the machine only ever make a round worse, so the best round is the closest to
 * an undisturbed one. Failures and losses are the worst round's, never hidden; every round is in the JSON.
 */
function best<T>(items: readonly T[], key = ''): T {
  const first = items[0] as T;
  if (typeof first === 'number') {
    const values = (items as readonly number[]).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return first;
    const highest = key.endsWith('PerSec') || HIGHEST.has(key);
    return (highest ? Math.max(...values) : Math.min(...values)) as T;
  }
  if (Array.isArray(first))
    return first.map((_, i) =>
      best(
        items.map((it) => (it as unknown[])[i]),
        key,
      ),
    ) as T;
  if (typeof first === 'object' && first !== null) {
    return Object.fromEntries(
      Object.keys(first).map((k) => [
        k,
        best(
          items.map((it) => (it as Record<string, unknown>)[k]),
          k,
        ),
      ]),
    ) as T;
  }
  return first;
}

// ---- report -----------------------------------------------------------------------------------

const fmt = (v: number, digits = 1): string =>
  Number.isFinite(v)
    ? v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(v);

function table(results: ServerResult[], rates: readonly number[]): string {
  const rows: [string, (r: ServerResult) => string][] = [
    ['clients connected', (r) => `${r.clients}${r.connectFailures ? ` (${r.connectFailures} failed)` : ''}`],
    ['connect + subscribe, s', (r) => fmt(r.connectSec, 2)],
    ['server RSS idle, MB', (r) => fmt(r.rssBaselineMB)],
    ['server RSS connected, MB', (r) => fmt(r.rssConnectedMB)],
    ['memory per connection, KiB', (r) => fmt(r.bytesPerConnection / 1024, 2)],
    ['memory per connection, 2nd half, KiB', (r) => fmt(r.marginalBytesPerConnection / 1024, 2)],
  ];
  rates.forEach((rate, i) => {
    const f = (r: ServerResult): PhaseSummary => r.fixed[i]!;
    const tag = `${rate} pub/s`;
    rows.push(
      [`${tag}: deliveries/s`, (r) => fmt(f(r).deliveriesPerSec, 0)],
      [`${tag}: p50 / p99 latency, ms`, (r) => `${fmt(f(r).p50Ms, 2)} / ${fmt(f(r).p99Ms, 2)}`],
      [`${tag}: server CPU µs/delivery`, (r) => fmt(f(r).serverCpuUsPerDelivery, 2)],
      [`${tag}: server CPU, % of a core`, (r) => fmt(100 * f(r).serverCpuUtil, 0)],
      [`${tag}: lost deliveries`, (r) => String(f(r).lost)],
      [`${tag}: server event-loop stall max, ms`, (r) => fmt(f(r).serverLoopDelayMaxMs, 1)],
    );
  });
  rows.push(
    ['saturated: deliveries/s', (r) => fmt(r.saturated.deliveriesPerSec, 0)],
    ['saturated: p50 / p99 latency, ms', (r) => `${fmt(r.saturated.p50Ms, 2)} / ${fmt(r.saturated.p99Ms, 2)}`],
    ['saturated: server CPU µs/delivery', (r) => fmt(r.saturated.serverCpuUsPerDelivery, 2)],
    // what one core fans out: the figure a shared machine cannot skew by starving the server
    ['saturated: deliveries per server CPU-second', (r) => fmt(1e6 / r.saturated.serverCpuUsPerDelivery, 0)],
    ['saturated: peak server CPU, % of a core', (r) => fmt(100 * r.saturated.serverCpuUtil, 0)],
    ['saturated: lost deliveries', (r) => String(r.saturated.lost)],
    ['saturated: server event-loop stall max, ms', (r) => fmt(r.saturated.serverLoopDelayMaxMs, 1)],
  );
  const head = ['metric', ...results.map((r) => r.server)];
  const body = rows.map(([label, get]) => [label, ...results.map(get)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Ratios of `a` to its baseline `b`, phase by phase. */
function ratiosOf(a: ServerResult, b: ServerResult, rates: readonly number[]): Record<string, number> {
  const ratios: Record<string, number> = {};
  rates.forEach((rate, i) => {
    const x = a.fixed[i]!;
    const y = b.fixed[i]!;
    ratios[`${rate}pub/s throughput`] = x.deliveriesPerSec / y.deliveriesPerSec;
    ratios[`${rate}pub/s p50`] = x.p50Ms / y.p50Ms;
    ratios[`${rate}pub/s p99`] = x.p99Ms / y.p99Ms;
    ratios[`${rate}pub/s cpu/delivery`] = x.serverCpuUsPerDelivery / y.serverCpuUsPerDelivery;
  });
  ratios['saturated throughput'] = a.saturated.deliveriesPerSec / b.saturated.deliveriesPerSec;
  ratios['saturated p99'] = a.saturated.p99Ms / b.saturated.p99Ms;
  ratios['saturated cpu/delivery'] = a.saturated.serverCpuUsPerDelivery / b.saturated.serverCpuUsPerDelivery;
  ratios['saturated deliveries/CPU-s'] = b.saturated.serverCpuUsPerDelivery / a.saturated.serverCpuUsPerDelivery;
  ratios['memory/connection'] = a.bytesPerConnection / b.bytesPerConnection;
  ratios['memory/connection, 2nd half'] = a.marginalBytesPerConnection / b.marginalBytesPerConnection;
  return ratios;
}

/**
 * Runs `shape` against each target, ROUNDS times, alternating the order so drift on the machine
 * (other load, thermal) hits all alike; returns every round and the best of them per target.
 */
async function compare(
  title: string,
  starters: readonly (() => Promise<Target>)[],
  shape: Shape,
): Promise<{ best: ServerResult[]; rounds: ServerResult[][]; ratios: Record<string, number> }> {
  const rounds: ServerResult[][] = starters.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = starters.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const target = await starters[i]!();
      console.log(`- ${title}, round ${round + 1}/${ROUNDS}: ${target.name} …`);
      try {
        rounds[i]!.push(await runAgainst(target, shape));
      } finally {
        await target.stop();
      }
    }
  }
  const results = rounds.map((r) => best(r));
  const ratios = ratiosOf(results[0]!, results[1]!, shape.rates);
  console.log(`\n${title}\n\n${table(results, shape.rates)}\n`);
  console.log(`${results[0]!.server} / ${results[1]!.server}:`);
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(30)} ${v.toFixed(2)}`);
  console.log('');
  return { best: results, rounds, ratios };
}

async function main(): Promise<void> {
  const { soft, hard } = fdLimits();
  console.log(
    `signalling bench: ${CLIENTS} clients, ${ROOMS} rooms (${CLIENTS / ROOMS} per room), ${WORKERS} load workers, ` +
      `best of ${ROUNDS} rounds, ${DURATION_MS} ms per phase, fixed loads ${RATES.join('/')} publishes/s, window ${WINDOW}/room, ${PAYLOAD} B payload; ` +
      `district: ${DISTRICT_ROOMS} squares × ${DISTRICT_PEERS} peers on ${DISTRICT_INSTANCES} instances + Redis, ${DISTRICT_RATES.join('/')} publishes/s; ` +
      `${cpus().length} CPUs, ${(totalmem() / 1e9).toFixed(1)} GB; open files soft ${soft} hard ${hard}`,
  );
  if (PROFILE) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const square = await compare(
    `one server: ${ROOMS} rooms × ${CLIENTS / ROOMS} peers, this server beside y-webrtc's bin/server.js`,
    [() => startKaifong('kaifong'), startReference, () => startKaifong('kaifong, Node defaults', 1, null, [])],
    SQUARE_SHAPE,
  );

  let profile: { fn: string; selfPct: number }[] | null = null;
  if (PROFILE) {
    const file = readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      profile = topFunctions(join(PROFILE_DIR, file), 15);
      console.log('kaifong server self time (top 15, excluding idle):');
      for (const p of profile) console.log(`  ${p.selfPct.toFixed(1).padStart(5)}%  ${p.fn}`);
      console.log('');
    }
  }

  let district: Awaited<ReturnType<typeof compare>> | null = null;
  if (DISTRICT_ROOMS > 0) {
    const redis: RedisProcess = await startRedis();
    try {
      district = await compare(
        `a district: ${DISTRICT_ROOMS} squares × ${DISTRICT_PEERS} peers, each square spread over ${DISTRICT_INSTANCES} instances relaying through Redis, beside one instance`,
        [
          () => startKaifong(`kaifong × ${DISTRICT_INSTANCES} + Redis`, DISTRICT_INSTANCES, redis.url),
          () => startKaifong('kaifong × 1'),
        ],
        DISTRICT_SHAPE,
      );
    } finally {
      await redis.kill();
    }
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, 'signaling.json');
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        config: {
          CLIENTS,
          ROOMS,
          WORKERS,
          DURATION_MS,
          RATES,
          WINDOW,
          PAYLOAD,
          DISTRICT_ROOMS,
          DISTRICT_PEERS,
          DISTRICT_INSTANCES,
          DISTRICT_RATES,
          perAddress: PER_ADDRESS,
          limits: DEFAULT_LIMITS,
        },
        results: square.best,
        ratios: square.ratios,
        rounds: { kaifong: square.rounds[0], reference: square.rounds[1], nodeDefaults: square.rounds[2] },
        district:
          district === null
            ? null
            : {
                results: district.best,
                ratios: district.ratios,
                rounds: { relayed: district.rounds[0], single: district.rounds[1] },
              },
        profile,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
