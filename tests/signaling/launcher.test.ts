// `npm run serve` and `npm start` as an operator runs them: a supervisor signals the launcher
// (npm), and the server must stop with it instead of living on, orphaned, holding its port.

import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY } from '../../signaling/limits.ts';
import { SERVER_NODE_FLAGS } from '../../signaling/node-flags.ts';
import { REPO_ROOT, ServerProcess, listeningPort } from '../support/server-process.ts';
import { TestClient } from './helpers.ts';

const launched: ServerProcess[] = [];
const servers: number[] = [];
afterEach(async () => {
  // never leave a server behind, even when the test failed (first: an orphan holds npm's stdout open)
  for (const pid of servers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.all(launched.splice(0).map((p) => p.kill()));
});

/** Whether a process with this id exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether anything accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `npm run <script>` serving signalling only on a free port; not started yet. */
function npmRun(script: string): ServerProcess {
  const launcher = new ServerProcess({
    name: `npm run ${script}`,
    launch: (port) => ({
      command: 'npm',
      args: ['run', '--silent', script],
      env: { PORT: String(port), HOST: '127.0.0.1', STATIC_DIR: '/nonexistent', LOG_LEVEL: 'warn' },
    }),
    ready: { kind: 'reports-port', parse: listeningPort },
    stderr: 'ignore',
    // npm start builds the app first
    startTimeoutMs: 120_000,
    stopTimeoutMs: 10_000,
  });
  launched.push(launcher);
  return launcher;
}

/** Signals the launcher (npm) alone, as a supervisor does, and resolves once the server is gone. */
async function stopLauncher(launcher: ServerProcess, server: number, signal: NodeJS.Signals): Promise<void> {
  process.kill(launcher.pid!, signal);
  // NOTE: not launcher.stop(): an orphaned server keeps npm's stdout open, so that would never resolve
  await expect.poll(() => alive(server), { timeout: 10_000, interval: 50 }).toBe(false);
}

/** The server's own process id, from its listening line. */
function serverPid(launcher: ServerProcess): number {
  const line = launcher.lines.find((l) => listeningPort(l) !== null) ?? '{}';
  const pid = (JSON.parse(line) as { pid?: unknown }).pid;
  if (typeof pid !== 'number') throw new Error(`no pid in the listening line: ${line}`);
  servers.push(pid);
  return pid;
}

describe('the server stops with its launcher', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`npm run serve: ${signal} to npm closes clients with 1001 and stops the server`, async () => {
      const launcher = npmRun('serve');
      await launcher.start();
      const pid = serverPid(launcher);
      expect(pid).not.toBe(launcher.pid);
      const client = await TestClient.connect(`ws://127.0.0.1:${launcher.port}/signal`);
      await client.sync();

      await stopLauncher(launcher, pid, signal);
      expect(await client.closed).toBe(CLOSE_GOING_AWAY);
      expect(await launcher.exited).toBe(0);
      expect(await accepts(launcher.port)).toBe(false);
    });
  }

  it('npm start: builds, serves, and SIGTERM to npm stops the server', { timeout: 150_000 }, async () => {
    const launcher = npmRun('start');
    await launcher.start();
    const pid = serverPid(launcher);
    expect(await accepts(launcher.port)).toBe(true);

    await stopLauncher(launcher, pid, 'SIGTERM');
    expect(await launcher.exited).toBe(0);
    expect(await accepts(launcher.port)).toBe(false);
  });
});

describe('every launcher starts the server alike', () => {
  const command = `node ${SERVER_NODE_FLAGS.join(' ')} --import tsx signaling/main.ts`;

  it('npm run serve and npm start exec the server with its Node options', () => {
    const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // exec: the shell npm runs the script in does not pass signals on, so it must not stay in between
    expect(scripts['serve']).toBe(`exec ${command}`);
    expect(scripts['start']).toBe(`vite build && exec ${command}`);
  });

  it('the systemd unit starts it with the same options', () => {
    const unit = readFileSync(join(REPO_ROOT, 'deploy', 'kaifong.service'), 'utf8');
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/${command.replaceAll('.', '\\.')}$`, 'm'));
  });
});
