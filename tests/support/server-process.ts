// Servers as child processes for tests and benches: the real signalling server, y-webrtc's
// reference server, redis-server. Started, awaited until they serve, stopped; restartable on the
// same port (peers reconnect to the URL they know).

import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../signaling/node-flags.ts';

/** The repository root: the working directory of every server process. */
export const REPO_ROOT: string = fileURLToPath(new URL('../..', import.meta.url));

/** Stdout lines kept per run (the first ones), for assertions and error messages. */
export const MAX_KEPT_LINES = 1_000;
export const DEFAULT_START_TIMEOUT_MS = 20_000;
/** After SIGTERM, how long a server may take to drain before it gets SIGKILL. */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** A command line; `env` is added to this process's environment. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** How to tell that a process serves. */
export type Readiness =
  /** A stdout line names the port it listens on; the first start asks for port 0 (any free one). */
  | { readonly kind: 'reports-port'; readonly parse: (line: string) => number | null }
  /** A stdout line says it is ready; the port is chosen beforehand. */
  | { readonly kind: 'line'; readonly pattern: RegExp }
  /** It accepts TCP connections on the port chosen beforehand. */
  | { readonly kind: 'tcp' };

export interface ServerProcessOptions {
  /** Shown in errors. */
  readonly name: string;
  /** What to run to serve on `port`. */
  readonly launch: (port: number) => Launch;
  readonly ready: Readiness;
  /** A fixed port; by default a free one on the first start and the same one after. */
  readonly port?: number;
  readonly stderr?: 'inherit' | 'ignore';
  /** Sees every stdout line (e.g. to echo the server's log). */
  readonly onLine?: (line: string) => void;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
// A test run or bench that dies half-way must not leave servers holding ports.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A server as a child process. `lines` and `exited` are those of the latest start. */
export class ServerProcess {
  readonly #options: ServerProcessOptions;
  #child: ChildProcess | null = null;
  port: number;
  /** Stdout lines of the latest start (the first MAX_KEPT_LINES). */
  lines: string[] = [];
  /** Resolves with the exit code of the latest start (null when killed by a signal). */
  exited: Promise<number | null> = Promise.resolve(null);

  constructor(options: ServerProcessOptions) {
    this.#options = options;
    this.port = options.port ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running process's id (for /proc), or undefined when stopped. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True from start() until the process exits or stop() is called. */
  get running(): boolean {
    const child = this.#child;
    return child !== null && child.exitCode === null && child.signalCode === null;
  }

  /** Starts the process and resolves once it serves; kills it if it does not in time. */
  async start(): Promise<void> {
    if (this.#child) throw new Error(`${this.#options.name} already running`);
    const { ready } = this.#options;
    if (this.port === 0 && ready.kind !== 'reports-port') this.port = await freePort();
    const { command, args, env } = this.#options.launch(this.port);
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', this.#options.stderr ?? 'inherit'],
    });
    this.#child = child;
    running.add(child);
    const lines: string[] = [];
    this.lines = lines;
    // 'close', not 'exit': by then every stdout line has been read.
    this.exited = new Promise((resolve) =>
      child.once('close', (code) => {
        running.delete(child);
        resolve(code);
      }),
    );
    const stdout = createInterface({ input: child.stdout! });
    stdout.on('line', (line) => {
      if (lines.length < MAX_KEPT_LINES) lines.push(line);
      this.#options.onLine?.(line);
    });
    try {
      this.port = await this.#whenReady(stdout);
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  /** Sends `signal`, escalates to SIGKILL after the stop timeout, and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child) return this.exited;
    this.#child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), this.#options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills at once (SIGKILL) and waits for the exit. */
  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }

  #whenReady(stdout: Interface): Promise<number> {
    const { name, ready } = this.#options;
    const timeoutMs = this.#options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    return new Promise<number>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | null, port = this.port): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(port);
      };
      const timer = setTimeout(() => settle(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
      void this.exited.then((code) =>
        settle(new Error(`${name} exited (${code}) before it was ready:\n${this.lines.slice(-20).join('\n')}`)),
      );
      if (ready.kind === 'tcp') {
        const attempt = (): void => {
          if (settled) return;
          const socket = connect(this.port, '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            settle(null);
          });
          socket.once('error', () => {
            socket.destroy();
            setTimeout(attempt, 50);
          });
        };
        attempt();
        return;
      }
      stdout.on('line', (line) => {
        if (ready.kind === 'line') {
          if (ready.pattern.test(line)) settle(null);
          return;
        }
        const port = ready.parse(line);
        if (port !== null) settle(null, port);
      });
    });
  }
}

/** The port in signaling/main.ts's "listening" line (printed whatever LOG_LEVEL says), else null. */
export function listeningPort(line: string): number | null {
  if (!line.startsWith('{')) return null; // e.g. NODE_OPTIONS=--trace-gc output
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === 'listening' && typeof entry.port === 'number' && entry.port > 0 ? entry.port : null;
  } catch {
    return null;
  }
}

export interface SignalingServerOptions {
  /** The built app to serve (e.g. 'dist'); by default none, signalling only. */
  readonly staticDir?: string;
  /** Environment over the defaults (HOST=127.0.0.1, LOG_LEVEL=warn), e.g. limits. */
  readonly env?: Readonly<Record<string, string>>;
  /** Node options before the entry point, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** The server's own Node options; SERVER_NODE_FLAGS unless a bench weighs them ([] for Node's defaults). */
  readonly nodeFlags?: readonly string[];
  /** Rewrites the command line, e.g. to raise the open-file limit first. */
  readonly wrap?: (launch: Launch) => Launch;
  readonly onLine?: (line: string) => void;
  readonly stopTimeoutMs?: number;
}

/** The real signalling server (signaling/main.ts) on 127.0.0.1; not started yet. */
export function signalingServer(options: SignalingServerOptions = {}): ServerProcess {
  return new ServerProcess({
    name: 'signalling server',
    launch: (port) => {
      const launch: Launch = {
        command: process.execPath,
        // as npm run serve and the systemd unit start it
        args: [
          ...(options.nodeFlags ?? SERVER_NODE_FLAGS),
          '--import',
          'tsx',
          ...(options.nodeArgs ?? []),
          'signaling/main.ts',
        ],
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          // a directory that does not exist: no app, signalling only
          STATIC_DIR: options.staticDir ?? '/nonexistent',
          LOG_LEVEL: 'warn',
          ...options.env,
        },
      };
      return options.wrap ? options.wrap(launch) : launch;
    },
    ready: { kind: 'reports-port', parse: listeningPort },
    onLine: options.onLine,
    stopTimeoutMs: options.stopTimeoutMs,
  });
}

/** A free TCP port on 127.0.0.1 (briefly bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
