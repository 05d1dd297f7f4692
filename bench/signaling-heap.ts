// Live heap per idle connection of the signalling server: the steadier companion of the resident
// memory bench/signaling.ts reads (which depends on where the heap stood when the clients came).
// The server runs in this process; one load generator (bench/signaling-worker.ts) connects CLIENTS
// clients in rooms of 10; the heap is read after two full collections before and after.
// Run (needs CLIENTS + 256 open files: `ulimit -n`): node --expose-gc --max-semi-space-size=1 --heap-growing-percent=50 --import tsx bench/signaling-heap.ts
// Env: CLIENTS (default 5,000), SNAPSHOT=1 also writes heap snapshots before and after to bench/results/.

import { mkdirSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { startServer } from '../signaling/server.ts';
import { LoadWorker, sleep } from './signaling-procs.ts';

const CLIENTS = Number(process.env['CLIENTS'] ?? 5_000);
const SNAPSHOT = process.env['SNAPSHOT'] === '1';
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const server = await startServer({ port: 0, limits: { maxConnections: CLIENTS + 100 } });
const worker = LoadWorker.spawn(CLIENTS);
await sleep(500);
if (SNAPSHOT) mkdirSync('bench/results', { recursive: true });
const before = heapUsed();
if (SNAPSHOT) writeHeapSnapshot('bench/results/signaling-heap-before.heapsnapshot');
const reply = await worker.ask({
  cmd: 'connect',
  urls: [`ws://127.0.0.1:${server.port}/signal`],
  rooms: Array.from({ length: CLIENTS / 10 }, (_, r) => `heap-${r}`),
  clientsPerRoom: 10,
  // 127.0.0.0/8 is loopback: distinct source addresses keep each under the per-address cap
  addresses: Array.from(
    { length: Math.ceil(CLIENTS / 100) },
    (_, a) => `127.0.${10 + Math.floor(a / 250)}.${(a % 250) + 1}`,
  ),
  perAddress: 100,
});
await sleep(1_000);
const after = heapUsed();
if (SNAPSHOT) writeHeapSnapshot('bench/results/signaling-heap-after.heapsnapshot');
const clients = reply.ok === 'connected' ? reply.clients : 0;
console.log(
  `${clients} idle connections: ${((after - before) / Math.max(1, clients)).toFixed(0)} bytes of live heap each ` +
    `(heap ${(before / 1e6).toFixed(1)} → ${(after / 1e6).toFixed(1)} MB)`,
);
await worker.close();
await server.close();
process.exit(0);
