import { afterEach, describe, expect, it, vi } from 'vitest';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { InProcessSignatureVerifier } from '../../src/lib/crypto/signature-verifier.ts';
import { signRecord } from '../../src/lib/crypto/signing.ts';
import { POOL_BATCH, WorkerPoolVerifier, type VerifyRequest } from '../../src/lib/crypto/verify-pool.ts';
import { RECORD_VERSION, type Signed } from '../../src/lib/domain/envelope.ts';
import { encodeHlc } from '../../src/lib/domain/hlc.ts';
import type { UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { identityFromSeed } from '../support/peers.ts';
import { runSignatureVerifierTests } from '../support/signature-verifier-contract.ts';
import { channelWorker } from '../support/verify-channel.ts';

runSignatureVerifierTests('in process', () => ({ verifier: new InProcessSignatureVerifier(), close: () => undefined }));
for (const size of [1, 3]) {
  runSignatureVerifierTests(`pool of ${size} worker(s) over message channels`, () => {
    const pool = new WorkerPoolVerifier(() => channelWorker(), size);
    return { verifier: pool, close: () => pool.destroy() };
  });
}

/** A record as the shared map holds it. */
const text = (record: Signed): string => storedForm(record as never);

describe('WorkerPoolVerifier', () => {
  const pools: WorkerPoolVerifier[] = [];
  afterEach(() => pools.splice(0).forEach((pool) => pool.destroy()));

  async function posts(n: number): Promise<Signed[]> {
    const who = await identityFromSeed(new Uint8Array(32).fill(3));
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const unsigned = {
          v: RECORD_VERSION,
          kind: 'profile',
          author: who.author,
          at: encodeHlc({ ms: 1_700_000_000_000 + i, counter: 0 }),
          body: { name: `neighbour ${i}` },
        } as UnsignedRecord;
        const { id: _id, ...record } = await signRecord(unsigned, who);
        return record;
      }),
    );
  }

  it('spreads a large call over its workers in batches, spawning no more than it may', async () => {
    const seen: VerifyRequest[] = [];
    let spawned = 0;
    const pool = new WorkerPoolVerifier(() => (spawned++, channelWorker(seen)), 2);
    pools.push(pool);
    const records = await posts(3 * POOL_BATCH + 1);
    const checks = await pool.verify(records.map(text));
    expect(checks.every((c) => c.status === 'valid')).toBe(true);
    expect(spawned).toBe(2);
    // Answers may come back from either worker first; what was asked is the call cut in batches.
    expect(seen.map((r) => r.texts.length).sort((a, b) => b - a)).toEqual([POOL_BATCH, POOL_BATCH, POOL_BATCH, 1]);
  });

  it('prepare starts every worker before the first check, and the checks then use them all', async () => {
    const seen: VerifyRequest[] = [];
    let spawned = 0;
    const pool = new WorkerPoolVerifier(() => (spawned++, channelWorker(seen)), 3);
    pools.push(pool);
    pool.prepare();
    expect(spawned).toBe(3);
    pool.prepare();
    expect(spawned).toBe(3);
    const checks = await pool.verify((await posts(2 * POOL_BATCH)).map(text));
    expect(checks.every((c) => c.status === 'valid')).toBe(true);
    expect(spawned).toBe(3);
    expect(seen).toHaveLength(2);
  });

  it('checks in the page what a failed worker had not answered, and everything after, losing nothing', async () => {
    let failWorker: () => void = () => undefined;
    const pool = new WorkerPoolVerifier(() => {
      // A worker whose script never loads: it takes messages, answers none, then reports an error.
      const listeners: ((event: Event) => void)[] = [];
      failWorker = () => listeners.forEach((listener) => listener(new Event('error')));
      return {
        postMessage: () => undefined,
        addEventListener: (type: string, listener: (event: never) => void) => {
          if (type === 'error') listeners.push(listener as (event: Event) => void);
        },
        terminate: () => undefined,
      };
    }, 1);
    pools.push(pool);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const records = await posts(5);
    const forged = { ...records[2]!, sig: records[3]!.sig };
    const pending = pool.verify([records[0]!, records[1]!, forged].map(text));
    failWorker();
    const checks = await pending;
    expect(checks.map((c) => c.status)).toEqual(['valid', 'valid', 'invalid']);
    expect(pool.failed).toBe(true);
    expect((await pool.verify(records.slice(3).map(text))).map((c) => c.status)).toEqual(['valid', 'valid']);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
