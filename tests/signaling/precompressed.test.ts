import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from '../../signaling/static.ts';

let server: Server;
let base = '';
const script = 'console.log("kaifong");\n'.repeat(200);

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kaifong-static-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Kaifong</title>');
  await writeFile(join(dir, 'app.js'), script);
  await writeFile(join(dir, 'app.js.br'), brotliCompressSync(script));
  await writeFile(join(dir, 'app.js.gz'), gzipSync(script, { level: 9 }));
  server = createServer(createStaticHandler(dir));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, encoding: string) {
  const response = await fetch(`${base}${path}`, { headers: { 'Accept-Encoding': encoding } });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

describe('precompressed files', () => {
  it('sends the build’s brotli file to a browser that takes brotli, and its gzip file otherwise', async () => {
    const br = await get('/app.js', 'gzip, deflate, br');
    expect(br.response.headers.get('content-encoding')).toBe('br');
    expect(br.response.headers.get('content-type')).toMatch(/javascript/);
    expect(br.response.headers.get('vary')).toMatch(/Accept-Encoding/i);
    // The build's file as it is (compression on the fly sends no length: it streams).
    expect(Number(br.response.headers.get('content-length'))).toBe(brotliCompressSync(script).length);
    const gz = await get('/app.js', 'gzip');
    expect(gz.response.headers.get('content-encoding')).toBe('gzip');
    expect(Number(gz.response.headers.get('content-length'))).toBe(gzipSync(script, { level: 9 }).length);
    // fetch decodes both: the content is the script itself
    expect(br.body.toString()).toBe(script);
    expect(gz.body.toString()).toBe(script);
  });

  it('sends the file as it is to a client that takes no compression', async () => {
    const plain = await get('/app.js', 'identity');
    expect(plain.response.headers.get('content-encoding')).toBeNull();
    expect(plain.body.toString()).toBe(script);
  });
});
