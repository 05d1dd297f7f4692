// A forged Host (issue 9, attack 3): /config.json echoed it, so `Host: evil.example:666` made the
// server advertise ws://evil.example:666/signal as the place to find one's neighbours.

import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../signaling/config.ts';
import { signalUrlFor } from '../../signaling/signal-urls.ts';
import { createLogger } from '../../signaling/log.ts';
import { ServerPool, rawRequest } from './helpers.ts';

const pool = new ServerPool();
afterEach(() => pool.closeAll());

async function advertised(port: number, headers: string): Promise<unknown> {
  const res = await rawRequest(port, `GET /config.json HTTP/1.0\n${headers}`);
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { signaling: unknown }).signaling;
}

describe('/config.json and the Host header', () => {
  it('never advertises a forged host; falls back to the address it is bound to, and warns once', async () => {
    const lines: string[] = [];
    const server = await pool.start({ logger: createLogger('warn', (line) => lines.push(line)) });
    const own = [`ws://127.0.0.1:${server.port}/signal`];
    for (const host of [
      'evil.example:666',
      `evil.example:${server.port}`,
      '127.0.0.1:666', // an address, but not our port
      `127.0.0.1:${server.port}@evil.example`,
      `evil.example/${server.port}`,
      `[::1]:${server.port}, evil.example`,
    ]) {
      const urls = await advertised(server.port, `Host: ${host}\n`);
      expect(urls, host).toEqual(own);
      expect(JSON.stringify(urls), host).not.toContain('evil');
    }
    expect(await advertised(server.port, '')).toEqual(own); // no Host at all
    expect(lines.filter((line) => line.includes('PUBLIC_URL'))).toHaveLength(1);
  });

  it('echoes a host that names this server: an address or localhost with its own port', async () => {
    const server = await pool.start();
    const { port } = server;
    expect(await advertised(port, `Host: 127.0.0.1:${port}\n`)).toEqual([`ws://127.0.0.1:${port}/signal`]);
    expect(await advertised(port, `Host: LOCALHOST:${port}\n`)).toEqual([`ws://localhost:${port}/signal`]);
    expect(await advertised(port, `Host: 127.0.0.2:${port}\n`)).toEqual([`ws://127.0.0.2:${port}/signal`]);
  });

  it('advertises PUBLIC_URL whatever the Host says, also behind a proxy', async () => {
    const { options } = configFromEnv({ PUBLIC_URL: 'https://board.example.hk/kaifong/', TRUST_PROXY: '1' });
    const server = await pool.start({ publicUrl: options.publicUrl, trustProxy: true });
    const headers = 'Host: evil.example:666\nX-Forwarded-Proto: http\n';
    expect(await advertised(server.port, headers)).toEqual(['wss://board.example.hk/kaifong/signal']);
  });

  it('derives the signalling URL from the app URL', () => {
    expect(signalUrlFor('https://board.example.hk/')).toBe('wss://board.example.hk/signal');
    expect(signalUrlFor('http://192.168.1.20:8080')).toBe('ws://192.168.1.20:8080/signal');
  });

  it.each(['ftp://board.example', 'board.example', 'https://board.example/?x=1', 'https://u:p@board.example'])(
    'refuses PUBLIC_URL=%s',
    (value) => {
      expect(() => configFromEnv({ PUBLIC_URL: value })).toThrow(/PUBLIC_URL/);
    },
  );
});
