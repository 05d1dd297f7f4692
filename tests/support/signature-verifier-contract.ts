/** The behaviour every SignatureVerifier must have, run over each implementation. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SignatureVerifier } from '../../src/lib/crypto/signature-verifier.ts';
import { signRecord, type Identity } from '../../src/lib/crypto/signing.ts';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { RECORD_VERSION, type Signed } from '../../src/lib/domain/envelope.ts';
import { encodeHlc } from '../../src/lib/domain/hlc.ts';
import type { AuthorKey, RecordId } from '../../src/lib/domain/ids.ts';
import type { UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { identityFromSeed } from './peers.ts';

/** A verifier for one test, and how to let go of it. */
export interface SignatureVerifierFixture {
  readonly verifier: SignatureVerifier;
  close(): void;
}

const T0 = Date.UTC(2022, 11, 20, 9);

/** A signed record of any kind and body, as it travels (no id), and the id it must verify to. */
async function signed(
  who: Identity,
  n: number,
  kind: string,
  body: unknown,
): Promise<{ record: Signed; id: RecordId }> {
  const unsigned = { v: RECORD_VERSION, kind, author: who.author, at: encodeHlc({ ms: T0 + n, counter: 0 }), body };
  const { id, ...record } = await signRecord(unsigned as UnsignedRecord, who);
  return { record, id };
}

/** A signed post, as it travels (no id), and the id it must verify to. */
function signedPost(who: Identity, n: number): Promise<{ record: Signed; id: RecordId }> {
  return signed(who, n, 'post', {
    type: 'need',
    items: [{ item: 'paracetamol-500', qty: 1 }],
    urgency: 'soon',
    groups: [],
    where: { building: 'Block A', floor: '12' },
    note: `post ${n}`,
  });
}

/** A record as the shared map holds it: JSON text. */
const text = (record: Signed): string => storedForm(record as never);
const valid = (id: RecordId) => ({ status: 'valid', id });
const FORGED = { status: 'invalid', junk: true };

/** The same record with one character of its signature changed (still well-formed base64url). */
function forged(record: Signed): Signed {
  const c = record.sig[5] === 'A' ? 'B' : 'A';
  return { ...record, sig: record.sig.slice(0, 5) + c + record.sig.slice(6) };
}

/** Runs the contract over one implementation; `setup` makes a fresh verifier for each test. */
export function runSignatureVerifierTests(name: string, setup: () => SignatureVerifierFixture): void {
  describe(`SignatureVerifier contract: ${name}`, () => {
    let alice: Identity;
    let bob: Identity;
    beforeAll(async () => {
      [alice, bob] = await Promise.all([
        identityFromSeed(new Uint8Array(32).fill(7)),
        identityFromSeed(new Uint8Array(32).fill(8)),
      ]);
    });

    async function check(records: readonly (Signed | string)[]) {
      const fixture = setup();
      try {
        return await fixture.verifier.verify(records.map((r) => (typeof r === 'string' ? r : text(r))));
      } finally {
        fixture.close();
      }
    }

    it('answers nothing for no records', async () => {
      expect(await check([])).toEqual([]);
    });

    it('accepts good signatures with their ids, in the order given', async () => {
      const posts = await Promise.all(Array.from({ length: 30 }, (_, n) => signedPost(n % 2 ? alice : bob, n)));
      const checks = await check(posts.map((p) => p.record));
      expect(checks).toEqual(posts.map((p) => valid(p.id)));
    });

    it('rejects a bad signature in a large batch, and still accepts every good one around it, in order', async () => {
      const posts = await Promise.all(Array.from({ length: 1200 }, (_, n) => signedPost(n % 3 ? alice : bob, n)));
      const bad = new Set([0, 1, 599, 600, 1199]);
      const records = posts.map((p, n) => (bad.has(n) ? forged(p.record) : p.record));
      const checks = await check(records);
      expect(checks).toHaveLength(records.length);
      checks.forEach((c, n) => {
        if (bad.has(n)) expect(c, `record ${n}`).toEqual(FORGED);
        else expect(c, `record ${n}`).toEqual(valid(posts[n]!.id));
      });
    });

    it('rejects a record whose content changed under its signature, and a malformed author key', async () => {
      const [a, b] = await Promise.all([signedPost(alice, 1), signedPost(alice, 2)]);
      const altered = { ...a.record, body: { ...(a.record.body as object), note: 'changed' } };
      const malformed = { ...b.record, author: 'ed25519:AAAA' as AuthorKey };
      const checks = await check([altered, b.record, malformed]);
      expect(checks).toEqual([FORGED, valid(b.id), FORGED]);
    });

    it('calls junk what is not JSON or not an envelope, and foreign what is signed but of a kind or body it cannot read', async () => {
      const [post, newer, odd] = await Promise.all([
        signedPost(alice, 1),
        signed(alice, 2, 'kind-from-a-newer-version', { anything: 1 }),
        signed(alice, 3, 'post', { type: 'need', items: 'not a list' }),
      ]);
      const { sig: _sig, ...unsigned } = post.record;
      const checks = await check([
        '{"v":1',
        JSON.stringify(unsigned),
        text(newer.record),
        text(odd.record),
        text(post.record),
      ]);
      expect(checks).toEqual([
        FORGED,
        FORGED,
        { status: 'foreign', id: newer.id },
        { status: 'foreign', id: odd.id },
        valid(post.id),
      ]);
    });

    it('answers batches asked for at once, each in its own order', async () => {
      const fixture = setup();
      try {
        const posts = await Promise.all(Array.from({ length: 600 }, (_, n) => signedPost(alice, n)));
        const first = posts.slice(0, 400).map((p) => p.record);
        const second = posts.slice(400).map((p, n) => (n === 7 ? forged(p.record) : p.record));
        const [one, two] = await Promise.all([
          fixture.verifier.verify(first.map(text)),
          fixture.verifier.verify(second.map(text)),
        ]);
        expect(one).toEqual(posts.slice(0, 400).map((p) => valid(p.id)));
        expect(two).toEqual(posts.slice(400).map((p, n) => (n === 7 ? FORGED : valid(p.id))));
      } finally {
        fixture.close();
      }
    });
  });
}
