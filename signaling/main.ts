// Entry point: `node --import tsx signaling/main.ts` (`npm run serve`). Configuration comes from the environment (config.ts).

import { readFileSync } from 'node:fs';
import { ConfigError, configFromEnv } from './config.ts';
import { createLogger } from './log.ts';
import { missingNodeFlags } from './node-flags.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';

/** Soft limit on open files (Linux), or null where /proc is unavailable. */
function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? null : Number(soft);
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger('error').error('bad configuration', { error: err.message });
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  const { options } = config;

  let server: RunningServer | null = null;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    // hard bound in case something refuses to close
    setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, options.limits.shutdownTimeoutMs + 1_000).unref();
    (server?.close() ?? Promise.resolve()).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  // installed before "listening" is printed: whoever reads that line may signal us at once
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  server = await startServer({ ...options, logger: log });
  // Always printed, whatever LOG_LEVEL: e2e tests and scripts read the port from this line.
  log.always('info', 'listening', {
    port: server.port,
    // a launcher (npm, a shell) may stand between a supervisor and this process: say which one serves
    pid: process.pid,
    host: options.host,
    url: server.url,
    metricsUrl: server.metricsUrl,
    tls: Boolean(options.tls),
    relay: Boolean(options.redisUrl),
    staticDir: options.staticDir ?? null,
  });
  const missing = missingNodeFlags();
  if (missing.length > 0) {
    log.warn('started without the Node options it is sized for; memory per connection about doubles', {
      missing: missing.join(' '),
      start: 'npm run serve, or node --max-semi-space-size=1 --heap-growing-percent=50 --import tsx signaling/main.ts',
    });
  }
  const files = openFileLimit();
  if (files !== null && files < options.limits.maxConnections + 64) {
    log.warn('open file limit is below MAX_CONNECTIONS; raise `ulimit -n` or lower MAX_CONNECTIONS', {
      openFiles: files,
      maxConnections: options.limits.maxConnections,
    });
  }
}

main().catch((err: unknown) => {
  createLogger('error').error('failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
