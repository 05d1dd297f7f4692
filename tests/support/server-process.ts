import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The real signalling server as a child process, restartable on the same port. */
export class ServerProcess {
  #child: ChildProcess | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server (on a free port the first time, the same port after) and waits for it. */
  async start(env: Record<string, string> = {}): Promise<void> {
    if (this.#child) throw new Error('server already running');
    const child = spawn('node_modules/.bin/tsx', ['signaling/main.ts'], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        STATIC_DIR: 'dist',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      lines.on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'listening' && entry.port) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      });
    });
  }

  /** Stops the server and waits for the process to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
