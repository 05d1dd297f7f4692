// Processes of the signalling bench (bench/signaling.ts): the servers under test and the load
// generators, with what /proc says about them (resident memory, CPU time). Everything listens on
// 127.0.0.1 and is killed when the bench exits.

import { execFileSync, fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerProcess, signalingServer, type Launch } from '../tests/support/server-process.ts';
import type { WorkerCommand, WorkerReply } from './signaling-worker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bench's own token: /metrics is served on the app's port only with one. */
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

export function fdLimits(): { soft: number; hard: number } {
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
  // exec: the child's pid is the program's own, so /proc reads measure it
  return ['sh', ['-c', `ulimit -Sn ${need} && exec "$0" "$@"`, command, ...args]];
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** User plus system CPU time of a process so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

/** One server, or several behind one name (a district's instances): what a run loads and measures. */
export interface Target {
  readonly name: string;
  readonly processes: readonly ServerProcess[];
  /** Signalling URL of each process; member i of a room connects to urls[i % urls.length]. */
  readonly urls: readonly string[];
  /** Our server only: /metrics of each process, for its event-loop delay. */
  readonly metricsUrls: readonly string[];
  stop(): Promise<void>;
}

export const pidsOf = (target: Target): number[] => target.processes.map((p) => p.pid!);
/** Resident memory of every process of the target. */
export const rssOf = (target: Target): number => sum(pidsOf(target).map(rssBytes));

export interface KaifongOptions {
  readonly name: string;
  readonly instances?: number;
  readonly redisUrl?: string | null;
  /** Replaces the server's own Node options ([] runs it on Node's defaults). */
  readonly nodeFlags?: readonly string[];
  /** More Node options, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Another copy of signaling/ to run instead (e.g. the build before a change), inside the repository. */
  readonly serverDir?: string;
  /** Most clients it must take: sets its file-descriptor limit and MAX_CONNECTIONS. */
  readonly maxClients: number;
  readonly maxConnections: number;
  readonly log?: boolean;
}

/** A server's command line with a descriptor per client, and some to spare. */
const withClientFds =
  (maxClients: number, serverDir?: string) =>
  (launch: Launch): Launch => {
    const entry = launch.args.map((a) =>
      serverDir !== undefined && a === 'signaling/main.ts' ? join(serverDir, 'main.ts') : a,
    );
    const [command, args] = withFdLimit(maxClients + 256, launch.command, entry);
    return { ...launch, command, args };
  };

/** `instances` of our server; with `redisUrl` they relay through it. */
export async function startKaifong(options: KaifongOptions): Promise<Target> {
  const { name, instances = 1, redisUrl = null, maxClients } = options;
  const processes = Array.from({ length: instances }, () =>
    signalingServer({
      nodeFlags: options.nodeFlags,
      nodeArgs: [...(options.nodeArgs ?? [])],
      env: {
        METRICS_TOKEN,
        ...(redisUrl === null ? {} : { REDIS_URL: redisUrl }),
        ...(maxClients > options.maxConnections ? { MAX_CONNECTIONS: String(maxClients + 100) } : {}),
      },
      wrap: withClientFds(maxClients, options.serverDir),
      onLine: options.log ? (line) => console.log(`  [kaifong] ${line}`) : undefined,
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

export const REFERENCE_NAME = 'y-webrtc bin/server.js';

/** y-webrtc's own bin/server.js, pinned to loopback. */
export async function startReference(maxClients: number): Promise<Target> {
  const server = new ServerProcess({
    name: REFERENCE_NAME,
    launch: (port) =>
      withClientFds(maxClients)({
        command: process.execPath,
        args: ['--import', './bench/signaling-loopback.mjs', 'node_modules/y-webrtc/bin/server.js'],
        env: { PORT: String(port) },
      }),
    ready: { kind: 'tcp' },
    stopTimeoutMs: 8_000,
  });
  await server.start();
  return {
    name: REFERENCE_NAME,
    processes: [server],
    urls: [`ws://127.0.0.1:${server.port}/signal`],
    metricsUrls: [],
    stop: async () => {
      await server.stop();
    },
  };
}

/** Max event-loop delay of any of the processes since the previous scrape, from our /metrics. */
export async function loopDelayMaxMs(metricsUrls: readonly string[]): Promise<number> {
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

// Load workers only; ServerProcess kills the servers on exit.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A load-generator process (bench/signaling-worker.ts), driven over IPC one command at a time. */
export class LoadWorker {
  readonly #pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }[] = [];
  readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    children.add(child);
    child.on('message', (reply: WorkerReply) => this.#pending.shift()?.resolve(reply));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        children.delete(child);
        for (const waiter of this.#pending.splice(0)) waiter.reject(new Error(`load worker exited (${code})`));
        resolve();
      }),
    );
  }

  /** A worker that may hold `clients` connections. */
  static spawn(clients: number): LoadWorker {
    const [cmd, args] = withFdLimit(clients + 256, process.execPath, ['--import', 'tsx', 'bench/signaling-worker.ts']);
    const child =
      cmd === process.execPath
        ? fork('bench/signaling-worker.ts', [], { cwd: ROOT, execArgv: ['--import', 'tsx'] })
        : spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new LoadWorker(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  ask(command: WorkerCommand): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.child.send(command);
    });
  }

  /** Closes its connections and ends it. */
  async close(): Promise<void> {
    if (this.child.connected) await this.ask({ cmd: 'close' }).catch(() => {});
    await Promise.race([this.exited, sleep(3_000)]);
    this.child.kill('SIGKILL');
  }
}
