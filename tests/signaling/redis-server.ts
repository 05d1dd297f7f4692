// Starts a throwaway redis-server on 127.0.0.1 for tests and benches.

import { ServerProcess } from '../support/server-process.ts';

export const REDIS_SERVER_BIN = '/usr/bin/redis-server';

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/** Start redis-server without persistence on `port` (a free one by default). */
export async function startRedis(port?: number): Promise<RedisProcess> {
  const server = new ServerProcess({
    name: 'redis-server',
    port,
    launch: (p) => ({
      command: REDIS_SERVER_BIN,
      args: ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    }),
    ready: { kind: 'line', pattern: /Ready to accept connections/ },
    stderr: 'ignore',
    startTimeoutMs: 10_000,
  });
  await server.start();
  return {
    port: server.port,
    url: `redis://127.0.0.1:${server.port}`,
    kill: async () => {
      await server.kill();
    },
  };
}
