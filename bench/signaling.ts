// Signalling benchmark: this server (all bounds on) side by side with y-webrtc's bin/server.js, then
// a district (DISTRICT_ROOMS squares of DISTRICT_PEERS peers) on DISTRICT_INSTANCES instances relaying
// through Redis, beside the same district on one instance.
// Run: npm run bench:signaling
// Env: CLIENTS, ROOMS, WORKERS, DURATION_MS (fixed loads), RATES, SATURATE_MS, REPS (saturated
// repetitions per server), WINDOW, PAYLOAD, BENCH_PROFILE=1 (CPU profile of ours), SERVER_NODE_ARGS
// (Node options for ours), NODE_DEFAULTS=1 (ours on Node's defaults too), BEFORE=<dir> (a copy of
// signaling/ inside the repository, e.g. the build before a change, run beside it), DISTRICT_ROOMS,
// DISTRICT_PEERS, DISTRICT_INSTANCES, DISTRICT_RATES, DISTRICT_REPS (DISTRICT_ROOMS=0 skips the district).
//
// Side by side: every server of a comparison is started and connected at once, each with load
// generators of its own, and the saturated phase then runs on them in turn, REPS times, alternating
// the order (a b, b a, a b …), so a burst of other load on this shared machine hits one repetition,
// not one server. Each repetition's pair gives a ratio; the median and range of those are the result.
// Servers and load generators are separate processes; memory is the servers' VmRSS; everything is on
// 127.0.0.1 and stops by itself.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from '../signaling/limits.ts';
import { startRedis } from '../tests/signaling/redis-server.ts';
import type { RedisProcess } from '../tests/signaling/redis-server.ts';
import {
  LoadWorker,
  REFERENCE_NAME,
  cpuSeconds,
  fdLimits,
  loopDelayMaxMs,
  pidsOf,
  rssOf,
  sleep,
  startKaifong,
  startReference,
  sum,
} from './signaling-procs.ts';
import type { KaifongOptions, Target } from './signaling-procs.ts';
import { ratioLines, ratiosOf, summarize, table, topFunctions } from './signaling-report.ts';
import type { PhaseSummary, Ratios, ServerResult } from './signaling-report.ts';
import type { PhaseResult, WorkerCommand } from './signaling-worker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const CLIENTS = env('CLIENTS', 5_000);
const ROOMS = env('ROOMS', 500);
const WORKERS = env('WORKERS', 1); // per server: one load process leaves the other core of a 2-core box to the server
const DURATION_MS = env('DURATION_MS', 3_000);
const RATES = (process.env['RATES'] ?? '1000,3000,5000').split(',').map(Number); // publishes/s, one fixed-load phase each
const SATURATE_MS = env('SATURATE_MS', 3_000);
const REPS = env('REPS', 5);
// publishes in flight per room in the saturation phase: a newcomer signals to every peer of its room at once
const WINDOW = env('WINDOW', 8);
const PAYLOAD = env('PAYLOAD', 512); // bytes of `data`, about one encrypted y-webrtc signal
const PROFILE = process.env['BENCH_PROFILE'] === '1';
const NODE_DEFAULTS = process.env['NODE_DEFAULTS'] === '1';
const BEFORE = process.env['BEFORE'] ?? null;
const PER_ADDRESS = Math.min(100, DEFAULT_LIMITS.maxConnectionsPerAddress);
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const PROFILE_DIR = join(RESULTS_DIR, 'signaling-profile');
/** More Node options for our server (e.g. `--max-semi-space-size=1`), to weigh them. */
const SERVER_NODE_ARGS = (process.env['SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const DISTRICT_ROOMS = env('DISTRICT_ROOMS', 100);
const DISTRICT_PEERS = env('DISTRICT_PEERS', 50);
const DISTRICT_INSTANCES = env('DISTRICT_INSTANCES', 3);
const DISTRICT_RATES = (process.env['DISTRICT_RATES'] ?? '500,1000').split(',').map(Number);
const DISTRICT_REPS = env('DISTRICT_REPS', 3);

if (CLIENTS % ROOMS !== 0 || (ROOMS / WORKERS) % 1 !== 0 || (DISTRICT_ROOMS / WORKERS) % 1 !== 0)
  throw new Error('CLIENTS must divide by ROOMS, ROOMS and DISTRICT_ROOMS by WORKERS');

/** The load one comparison puts on each of its servers. */
interface Shape {
  readonly rooms: number;
  readonly clientsPerRoom: number;
  /** Fixed loads, publishes/s, one phase each. */
  readonly rates: readonly number[];
  /** Saturated phases per server. */
  readonly reps: number;
}
const SQUARE_SHAPE: Shape = { rooms: ROOMS, clientsPerRoom: CLIENTS / ROOMS, rates: RATES, reps: REPS };
const DISTRICT_SHAPE: Shape = {
  rooms: DISTRICT_ROOMS,
  clientsPerRoom: DISTRICT_PEERS,
  rates: DISTRICT_RATES,
  reps: DISTRICT_REPS,
};
const clientsOf = (shape: Shape): number => shape.rooms * shape.clientsPerRoom;
const MAX_CLIENTS = Math.max(CLIENTS, clientsOf(DISTRICT_SHAPE));

const kaifong = (options: Omit<KaifongOptions, 'maxClients' | 'maxConnections'>): (() => Promise<Target>) => {
  const profiled = PROFILE && !options.redisUrl && options.nodeFlags === undefined && options.serverDir === undefined;
  return () =>
    startKaifong({
      ...options,
      nodeArgs: [...SERVER_NODE_ARGS, ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
      maxClients: MAX_CLIENTS,
      maxConnections: DEFAULT_LIMITS.maxConnections,
      log: Boolean(process.env['BENCH_SERVER_LOG']),
    });
};

// ---- one server under load --------------------------------------------------------------------

/** A running target and the load generators connected to it. */
interface Session {
  readonly target: Target;
  readonly workers: LoadWorker[];
}

interface Connected {
  clients: number;
  failures: number;
  connectSec: number;
  rssBaseline: number;
  rssHalf: number;
  rssConnected: number;
  secondHalf: number;
}

/** Connects the shape's clients to the session's target in two halves, reading its memory before, between and after. */
async function connect(session: Session, shape: Shape): Promise<Connected> {
  const { target, workers } = session;
  const rssBaseline = rssOf(target);
  const roomsPerWorker = shape.rooms / WORKERS;
  let clients = 0;
  let failures = 0;
  let connectMs = 0;
  const connectHalf = async (half: number): Promise<number> => {
    const replies = await Promise.all(
      workers.map((w, i) => {
        const all = Array.from({ length: roomsPerWorker }, (_, r) => `bench-${i}-${r}`);
        const mid = Math.floor(all.length / 2);
        return w.ask({
          cmd: 'connect',
          urls: [...target.urls],
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
  return {
    clients,
    failures,
    connectSec: connectMs / 1000,
    rssBaseline,
    rssHalf,
    rssConnected: rssOf(target),
    secondHalf,
  };
}

/** One load phase on one session, with the CPU its server and its load generators used. */
async function phase(session: Session, command: WorkerCommand): Promise<PhaseSummary> {
  const { target, workers } = session;
  const servers = pidsOf(target);
  const loaders = workers.map((w) => w.pid);
  await loopDelayMaxMs(target.metricsUrls); // resets the window
  const server0 = sum(servers.map(cpuSeconds));
  const loader0 = sum(loaders.map(cpuSeconds));
  const replies = await Promise.all(workers.map((w) => w.ask(command)));
  const serverCpuSec = sum(servers.map(cpuSeconds)) - server0;
  const loadGenCpuSec = sum(loaders.map(cpuSeconds)) - loader0;
  const loopDelayMs = await loopDelayMaxMs(target.metricsUrls);
  const results = replies.map((r) =>
    r.ok === 'phase' ? r.result : ({ sent: 0, delivered: 0, expected: 0, durationMs: 1, buckets: [] } as PhaseResult),
  );
  return summarize(results, { serverCpuSec, loadGenCpuSec, loopDelayMs, loadAverage: loadavg()[0]! });
}

/** Indices 0…n-1, reversed on odd turns: a b, b a, a b … */
const alternating = (n: number, turn: number): number[] => {
  const order = Array.from({ length: n }, (_, i) => i);
  return turn % 2 === 1 ? order.reverse() : order;
};

/**
 * Runs `shape` against every target side by side (see the header): all connected first, then the
 * fixed loads and the saturated repetitions taking turns. Ratios are of the first target to each other.
 */
async function compare(
  title: string,
  starters: readonly (() => Promise<Target>)[],
  shape: Shape,
): Promise<{ results: ServerResult[]; ratios: Ratios[] }> {
  const sessions: Session[] = [];
  try {
    for (const start of starters) sessions.push({ target: await start(), workers: [] });
    await sleep(2_000); // past start-up's own garbage
    const results: ServerResult[] = [];
    for (const session of sessions) {
      console.log(`- ${title}: connecting ${clientsOf(shape)} clients to ${session.target.name} …`);
      const clientsPerWorker = clientsOf(shape) / WORKERS;
      for (let w = 0; w < WORKERS; w++) session.workers.push(LoadWorker.spawn(clientsPerWorker));
      const c = await connect(session, shape);
      results.push({
        server: session.target.name,
        clients: c.clients,
        connectFailures: c.failures,
        connectSec: c.connectSec,
        rssBaselineMB: c.rssBaseline / 1e6,
        rssConnectedMB: c.rssConnected / 1e6,
        bytesPerConnection: (c.rssConnected - c.rssBaseline) / Math.max(1, c.clients),
        marginalBytesPerConnection: (c.rssConnected - c.rssHalf) / Math.max(1, c.secondHalf),
        fixed: [],
        saturated: [],
      });
    }
    const fixedCommand = (rate: number, durationMs: number): WorkerCommand => ({
      cmd: 'fixed',
      rate: rate / WORKERS,
      durationMs,
      payloadBytes: PAYLOAD,
    });
    // warm-up (JIT, first GCs), not reported
    for (const session of sessions) await phase(session, fixedCommand(shape.rates[0] ?? 1000, 1_500));
    for (const [turn, rate] of shape.rates.entries()) {
      console.log(`- ${title}: ${rate} publishes/s …`);
      for (const i of alternating(sessions.length, turn))
        results[i]!.fixed.push({ offered: rate, ...(await phase(sessions[i]!, fixedCommand(rate, DURATION_MS))) });
    }
    const saturate: WorkerCommand = { cmd: 'saturate', window: WINDOW, durationMs: SATURATE_MS, payloadBytes: PAYLOAD };
    for (let rep = 0; rep < shape.reps; rep++) {
      console.log(
        `- ${title}: saturated, repetition ${rep + 1}/${shape.reps} (load average ${loadavg()[0]!.toFixed(1)}) …`,
      );
      for (const i of alternating(sessions.length, rep))
        results[i]!.saturated.push(await phase(sessions[i]!, saturate));
    }
    const ratios = results.slice(1).map((baseline) => ratiosOf(results[0]!, baseline));
    console.log(`\n${title}\n\n${table(results)}\n`);
    ratios.forEach((r, i) => console.log(`${ratioLines(results[0]!, results[i + 1]!, r)}\n`));
    return { results, ratios };
  } finally {
    for (const session of sessions) await Promise.all(session.workers.map((w) => w.close()));
    for (const session of sessions) await session.target.stop();
  }
}

async function main(): Promise<void> {
  const { soft, hard } = fdLimits();
  const loadAtStart = loadavg();
  console.log(
    `signalling bench: ${CLIENTS} clients, ${ROOMS} rooms (${CLIENTS / ROOMS} per room), ${WORKERS} load worker(s) per server, ` +
      `fixed loads ${RATES.join('/')} publishes/s for ${DURATION_MS} ms, saturated ${REPS} × ${SATURATE_MS} ms per server ` +
      `alternating, window ${WINDOW}/room, ${PAYLOAD} B payload; ` +
      `district: ${DISTRICT_ROOMS} squares × ${DISTRICT_PEERS} peers on ${DISTRICT_INSTANCES} instances + Redis, ` +
      `${DISTRICT_RATES.join('/')} publishes/s, ${DISTRICT_REPS} saturated repetitions; ` +
      `${cpus().length} CPUs, ${(totalmem() / 1e9).toFixed(1)} GB, load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}; ` +
      `open files soft ${soft} hard ${hard}`,
  );
  if (PROFILE) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const square = await compare(
    `one server: ${ROOMS} rooms × ${CLIENTS / ROOMS} peers, this server beside y-webrtc's bin/server.js`,
    [
      kaifong({ name: 'kaifong' }),
      () => startReference(MAX_CLIENTS),
      ...(NODE_DEFAULTS ? [kaifong({ name: 'kaifong, Node defaults', nodeFlags: [] })] : []),
      ...(BEFORE === null ? [] : [kaifong({ name: `kaifong, ${BEFORE}`, serverDir: BEFORE })]),
    ],
    SQUARE_SHAPE,
  );

  let profile: { fn: string; selfPct: number }[] | null = null;
  if (PROFILE) {
    // the main thread's profile is the largest (tsx's loader thread writes one of its own)
    const files = readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.cpuprofile'));
    const main = files.sort().find((f) => /\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
    if (main) {
      profile = topFunctions(join(PROFILE_DIR, main), 15);
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
          kaifong({
            name: `kaifong × ${DISTRICT_INSTANCES} + Redis`,
            instances: DISTRICT_INSTANCES,
            redisUrl: redis.url,
          }),
          kaifong({ name: 'kaifong × 1' }),
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
        loadAverage: { start: loadAtStart, end: loadavg() },
        config: {
          CLIENTS,
          ROOMS,
          WORKERS,
          DURATION_MS,
          RATES,
          SATURATE_MS,
          REPS,
          WINDOW,
          PAYLOAD,
          DISTRICT_ROOMS,
          DISTRICT_PEERS,
          DISTRICT_INSTANCES,
          DISTRICT_RATES,
          DISTRICT_REPS,
          perAddress: PER_ADDRESS,
          reference: REFERENCE_NAME,
          before: BEFORE,
          limits: DEFAULT_LIMITS,
        },
        results: square.results,
        ratios: square.ratios,
        district,
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
