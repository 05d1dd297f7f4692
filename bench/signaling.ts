// Signalling benchmark: this server (all bounds on) side by side with y-webrtc's bin/server.js.
// Run: npm run bench:signaling
// Env: CLIENTS, ROOMS, WORKERS, ROUNDS, DURATION_MS, RATES, WINDOW, PAYLOAD, BENCH_PROFILE=1 (CPU profile of ours).
// Servers and load generators are separate processes; memory is the server's VmRSS; everything is
// on 127.0.0.1 and stops by itself.

import { execFileSync, fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from '../signaling/limits.ts';
import { ServerProcess, signalingServer, type Launch } from '../tests/support/server-process.ts';
import { LatencyHistogram } from './signaling-worker.ts';
import type { PhaseResult, WorkerCommand, WorkerReply } from './signaling-worker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const CLIENTS = env('CLIENTS', 5_000);
const ROOMS = env('ROOMS', 500);
const WORKERS = env('WORKERS', 1); // one load process leaves the other core of a 2-core box to the server
const DURATION_MS = env('DURATION_MS', 4_000);
const RATES = (process.env['RATES'] ?? '1000,3000,5000').split(',').map(Number); // publishes/s, one fixed-load phase each
const WINDOW = env('WINDOW', 2); // publishes in flight per room in the saturation phase
const PAYLOAD = env('PAYLOAD', 512); // bytes of `data`, about one encrypted y-webrtc signal
const PROFILE = process.env['BENCH_PROFILE'] === '1';
const ROUNDS = env('ROUNDS', 3); // the table shows the best of the rounds (see best())
const PER_ADDRESS = Math.min(100, DEFAULT_LIMITS.maxConnectionsPerAddress);
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const PROFILE_DIR = join(RESULTS_DIR, 'signaling-profile');

if (CLIENTS % ROOMS !== 0 || (ROOMS / WORKERS) % 1 !== 0)
  throw new Error('CLIENTS must divide by ROOMS, ROOMS by WORKERS');

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
  const [command, args] = withFdLimit(CLIENTS + 256, launch.command, launch.args);
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

interface Server {
  name: string;
  process: ServerProcess;
  url: string;
  /** Our server only: /metrics, for its event-loop delay. */
  metricsUrl: string | null;
}

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

async function startKaifong(): Promise<Server> {
  const server = signalingServer({
    nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    env: {
      METRICS_TOKEN,
      ...(CLIENTS > DEFAULT_LIMITS.maxConnections ? { MAX_CONNECTIONS: String(CLIENTS + 100) } : {}),
    },
    wrap: withClientFds,
    onLine: process.env['BENCH_SERVER_LOG'] ? (line) => console.log(`  [kaifong] ${line}`) : undefined,
    stopTimeoutMs: 8_000,
  });
  await server.start();
  return {
    name: 'kaifong',
    process: server,
    url: `ws://127.0.0.1:${server.port}/signal`,
    metricsUrl: `${server.url}/metrics`,
  };
}

async function startReference(): Promise<Server> {
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
    process: server,
    url: `ws://127.0.0.1:${server.port}/signal`,
    metricsUrl: null,
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
    const need = Math.ceil(CLIENTS / WORKERS) + 256;
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

/** Max event-loop delay since the previous scrape, from our /metrics. */
async function loopDelayMaxMs(metricsUrl: string | null): Promise<number> {
  if (metricsUrl === null) return NaN;
  const text = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const m = /^nodejs_eventloop_delay_seconds\{quantile="1"\} (\S+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : NaN;
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
  bytesPerConnection: number;
  fixed: (PhaseSummary & { offered: number })[];
  saturated: PhaseSummary;
}

async function runAgainst(server: Server): Promise<ServerResult> {
  const pid = server.process.pid!;
  await sleep(500);
  const rssBase = rssBytes(pid);
  const workers = Array.from({ length: WORKERS }, () => Worker.spawn());
  try {
    const roomsPerWorker = ROOMS / WORKERS;
    const clientsPerRoom = CLIENTS / ROOMS;
    const connectReplies = await Promise.all(
      workers.map((w, i) =>
        w.ask({
          cmd: 'connect',
          url: server.url,
          rooms: Array.from({ length: roomsPerWorker }, (_, r) => `bench-${i}-${r}`),
          clientsPerRoom,
          // 127.0.0.0/8 is loopback: distinct source addresses keep each under the per-address cap
          addresses: Array.from({ length: 250 }, (_, a) => `127.0.${10 + i}.${a + 1}`),
          perAddress: PER_ADDRESS,
        }),
      ),
    );
    let clients = 0;
    let failures = 0;
    let connectMs = 0;
    for (const r of connectReplies) {
      if (r.ok !== 'connected') throw new Error('unexpected reply');
      clients += r.clients;
      failures += r.failures;
      connectMs = Math.max(connectMs, r.ms);
      if (r.firstError) console.warn(`  connect error on ${server.name}: ${r.firstError}`);
    }
    await sleep(1_000);
    const rssConnected = rssBytes(pid);

    const phase = async (command: WorkerCommand): Promise<PhaseSummary> => {
      await loopDelayMaxMs(server.metricsUrl); // resets the window
      const cpu0 = cpuSeconds(pid);
      const replies = await Promise.all(workers.map((w) => w.ask(command)));
      const cpu = cpuSeconds(pid) - cpu0;
      const loopDelay = await loopDelayMaxMs(server.metricsUrl);
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
    await phase({ cmd: 'fixed', rate: (RATES[0] ?? 1000) / WORKERS, durationMs: 1_500, payloadBytes: PAYLOAD });
    const fixed: (PhaseSummary & { offered: number })[] = [];
    for (const rate of RATES) {
      fixed.push({
        offered: rate,
        ...(await phase({ cmd: 'fixed', rate: rate / WORKERS, durationMs: DURATION_MS, payloadBytes: PAYLOAD })),
      });
    }
    const saturated = await phase({ cmd: 'saturate', window: WINDOW, durationMs: DURATION_MS, payloadBytes: PAYLOAD });
    return {
      server: server.name,
      clients,
      connectFailures: failures,
      connectSec: connectMs / 1000,
      rssBaselineMB: rssBase / 1e6,
      rssConnectedMB: rssConnected / 1e6,
      bytesPerConnection: (rssConnected - rssBase) / Math.max(1, clients),
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

function table(results: ServerResult[]): string {
  const rows: [string, (r: ServerResult) => string][] = [
    ['clients connected', (r) => `${r.clients}${r.connectFailures ? ` (${r.connectFailures} failed)` : ''}`],
    ['connect + subscribe, s', (r) => fmt(r.connectSec, 2)],
    ['server RSS idle, MB', (r) => fmt(r.rssBaselineMB)],
    ['server RSS connected, MB', (r) => fmt(r.rssConnectedMB)],
    ['memory per connection, KiB', (r) => fmt(r.bytesPerConnection / 1024, 2)],
  ];
  RATES.forEach((rate, i) => {
    const f = (r: ServerResult): PhaseSummary => r.fixed[i]!;
    const tag = `${rate} pub/s`;
    rows.push(
      [`${tag}: deliveries/s`, (r) => fmt(f(r).deliveriesPerSec, 0)],
      [`${tag}: p50 / p99 latency, ms`, (r) => `${fmt(f(r).p50Ms, 2)} / ${fmt(f(r).p99Ms, 2)}`],
      [`${tag}: server CPU µs/delivery`, (r) => fmt(f(r).serverCpuUsPerDelivery, 2)],
      [`${tag}: lost deliveries`, (r) => String(f(r).lost)],
      [`${tag}: server event-loop stall max, ms`, (r) => fmt(f(r).serverLoopDelayMaxMs, 1)],
    );
  });
  rows.push(
    ['saturated: deliveries/s', (r) => fmt(r.saturated.deliveriesPerSec, 0)],
    ['saturated: p50 / p99 latency, ms', (r) => `${fmt(r.saturated.p50Ms, 2)} / ${fmt(r.saturated.p99Ms, 2)}`],
    ['saturated: server CPU µs/delivery', (r) => fmt(r.saturated.serverCpuUsPerDelivery, 2)],
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

async function main(): Promise<void> {
  const { soft, hard } = fdLimits();
  console.log(
    `signalling bench: ${CLIENTS} clients, ${ROOMS} rooms (${CLIENTS / ROOMS} per room), ${WORKERS} load workers, ` +
      `best of ${ROUNDS} rounds, ${DURATION_MS} ms per phase, fixed loads ${RATES.join('/')} publishes/s, window ${WINDOW}/room, ${PAYLOAD} B payload; ` +
      `${cpus().length} CPUs, ${(totalmem() / 1e9).toFixed(1)} GB; open files soft ${soft} hard ${hard}`,
  );
  if (PROFILE) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const rounds: { kaifong: ServerResult[]; reference: ServerResult[] } = { kaifong: [], reference: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // alternate the order so drift on the machine (other load, thermal) hits both alike
    const order = round % 2 === 0 ? (['kaifong', 'reference'] as const) : (['reference', 'kaifong'] as const);
    for (const which of order) {
      const server = await (which === 'kaifong' ? startKaifong() : startReference());
      console.log(`- round ${round + 1}/${ROUNDS}: ${server.name} …`);
      try {
        rounds[which].push(await runAgainst(server));
      } finally {
        await server.process.stop();
      }
    }
  }
  const ours = best(rounds.kaifong);
  const ref = best(rounds.reference);
  const results = [ours, ref];
  const ratios: Record<string, number> = {};
  RATES.forEach((rate, i) => {
    const a = ours.fixed[i]!;
    const b = ref.fixed[i]!;
    ratios[`${rate}pub/s throughput`] = a.deliveriesPerSec / b.deliveriesPerSec;
    ratios[`${rate}pub/s p50`] = a.p50Ms / b.p50Ms;
    ratios[`${rate}pub/s p99`] = a.p99Ms / b.p99Ms;
    ratios[`${rate}pub/s cpu/delivery`] = a.serverCpuUsPerDelivery / b.serverCpuUsPerDelivery;
  });
  ratios['saturated throughput'] = ours.saturated.deliveriesPerSec / ref.saturated.deliveriesPerSec;
  ratios['saturated p99'] = ours.saturated.p99Ms / ref.saturated.p99Ms;
  ratios['saturated cpu/delivery'] = ours.saturated.serverCpuUsPerDelivery / ref.saturated.serverCpuUsPerDelivery;
  ratios['memory/connection'] = ours.bytesPerConnection / ref.bytesPerConnection;
  console.log(`\n${table(results)}\n`);
  console.log('kaifong / reference:');
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(26)} ${v.toFixed(2)}`);

  let profile: { fn: string; selfPct: number }[] | null = null;
  if (PROFILE) {
    const file = readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      profile = topFunctions(join(PROFILE_DIR, file), 15);
      console.log('\nkaifong server self time (top 15, excluding idle):');
      for (const p of profile) console.log(`  ${p.selfPct.toFixed(1).padStart(5)}%  ${p.fn}`);
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
          perAddress: PER_ADDRESS,
          limits: DEFAULT_LIMITS,
        },
        results,
        ratios,
        rounds,
        profile,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${out}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
