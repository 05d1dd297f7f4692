// /metrics in the open (issue 9, attack 5): anyone could read how many residents and rooms were
// online, and when, from the app's own port.

import { afterEach, describe, expect, it } from 'vitest';
import { signalingServer } from '../support/server-process.ts';
import type { ServerProcess } from '../support/server-process.ts';
import { ServerPool, rawRequest } from './helpers.ts';

const TOKEN = 'a-long-random-metrics-token';
const pool = new ServerPool();
const spawned: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(spawned.splice(0).map((server) => server.kill()));
  await pool.closeAll();
});

const scrape = (port: number, headers = ''): Promise<{ status: number; body: string }> =>
  rawRequest(port, `GET /metrics HTTP/1.0\nHost: 127.0.0.1:${port}\n${headers}`);

describe('/metrics', () => {
  it('answers 404 on the app port when no token is configured, whatever the request says', async () => {
    const server = await pool.start();
    expect((await scrape(server.port)).status).toBe(404);
    expect((await scrape(server.port, 'Authorization: Bearer \n')).status).toBe(404);
    expect(server.metricsUrl).toBeNull();
  });

  it('on the app port, serves only requests bearing METRICS_TOKEN', async () => {
    const server = await pool.start({ metricsToken: TOKEN });
    for (const header of [
      '',
      `Authorization: Bearer ${TOKEN}x\n`,
      `Authorization: ${TOKEN}\n`,
      'Authorization: Bearer\n',
    ]) {
      const res = await scrape(server.port, header);
      expect(res.status, header).toBe(404);
      expect(res.body, header).not.toContain('signaling_');
    }
    const ok = await scrape(server.port, `Authorization: Bearer ${TOKEN}\n`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^# TYPE signaling_connections gauge$/m);
  });

  it('with METRICS_PORT, the real server serves it on a loopback listener of its own and not on the app port', async () => {
    const server = signalingServer({ env: { METRICS_PORT: '0' } });
    spawned.push(server);
    await server.start();
    const listening = JSON.parse(server.lines[0] ?? '{}') as { metricsUrl?: unknown };
    expect(listening.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metricsPort = Number(new URL(String(listening.metricsUrl)).port);
    expect(metricsPort).not.toBe(server.port);

    const ok = await scrape(metricsPort);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^signaling_pending_connections \d+$/m);
    expect((await rawRequest(metricsPort, 'GET /healthz HTTP/1.0\n')).status).toBe(404);
    expect((await scrape(server.port)).status).toBe(404);
    expect((await rawRequest(server.port, 'GET /healthz HTTP/1.0\n')).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });
});
