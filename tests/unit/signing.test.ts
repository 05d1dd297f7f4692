import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../src/lib/crypto/base64url.ts';
import { generateIdentity, recordId, signRecord, verifyRecord, type Identity } from '../../src/lib/crypto/signing.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { parseRecord } from '../../src/lib/domain/kinds/parse.ts';
import type { SignedRecord, UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { RECORD_VERSION } from '../../src/lib/domain/envelope.ts';
import { hlc, postBody, T0 } from './fixtures.ts';

/** An ECDSA P-256 identity, as a browser without Ed25519 would make. */
async function p256Identity(): Promise<Identity> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
  return { author: `p256:${toBase64url(raw)}` as AuthorKey, algorithm: 'p256', privateKey: pair.privateKey };
}

function unsigned(author: AuthorKey, note = 'for my daughter'): UnsignedRecord {
  return { v: RECORD_VERSION, kind: 'post', author, at: hlc(T0), body: postBody({ note }) };
}

/** Strips the derived id, as the record travels. */
function wire({ id: _id, ...record }: SignedRecord & { id?: string }): SignedRecord {
  return record;
}

/** Flips one character of a base64url string, keeping it well-formed. */
function flip(text: string, at: number): string {
  const c = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + c + text.slice(at + 1);
}

const schemes: [string, () => Promise<Identity>][] = [
  ['Ed25519', generateIdentity],
  ['ECDSA P-256', p256Identity],
];

describe.each(schemes)('%s', (_name, make) => {
  let alice: Identity;
  let bob: Identity;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([make(), make()]);
  });

  it('verifies what it signed and returns the record id', async () => {
    const signed = await signRecord(unsigned(alice.author), alice);
    const parsed = parseRecord(wire(signed));
    expect(parsed.ok).toBe(true);
    expect(await verifyRecord(wire(signed))).toEqual({ valid: true, id: signed.id });
  });

  it.each([
    ['body', (r: SignedRecord) => ({ ...r, body: postBody({ note: 'for my son' }) })],
    [
      'quantity',
      (r: SignedRecord) => ({
        ...r,
        body: postBody({ note: 'for my daughter', items: [{ item: 'paracetamol-500', qty: 3 }] }),
      }),
    ],
    ['timestamp', (r: SignedRecord) => ({ ...r, at: hlc(T0 + 1) })],
    ['kind', (r: SignedRecord) => ({ ...r, kind: 'profile', body: { name: 'x' } })],
    ['signature', (r: SignedRecord) => ({ ...r, sig: flip(r.sig, 10) })],
    ['signature (truncated)', (r: SignedRecord) => ({ ...r, sig: r.sig.slice(0, -4) })],
  ] as const)('rejects a record whose %s was changed', async (_field, tamper) => {
    const signed = wire(await signRecord(unsigned(alice.author), alice));
    expect(await verifyRecord(signed)).toMatchObject({ valid: true });
    expect(await verifyRecord(tamper(signed) as SignedRecord)).toEqual({ valid: false, checked: true });
  });

  it('rejects a record claiming another author', async () => {
    const signed = wire(await signRecord(unsigned(alice.author), alice));
    expect(await verifyRecord({ ...signed, author: bob.author })).toEqual({ valid: false, checked: true });
  });

  it('rejects a record signed with the wrong key', async () => {
    // Bob signs a record that names Alice as its author.
    const forged = wire(await signRecord(unsigned(alice.author), bob));
    expect(await verifyRecord(forged)).toEqual({ valid: false, checked: true });
  });

  it('derives the id from the signed content only', async () => {
    const record = unsigned(alice.author);
    const [a, b] = await Promise.all([signRecord(record, alice), signRecord({ ...record }, alice)]);
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(await recordId(record));
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const other = await signRecord(unsigned(alice.author, 'for my son'), alice);
    expect(other.id).not.toBe(a.id);
    const later = await signRecord({ ...record, at: hlc(T0, 1) }, alice);
    expect(later.id).not.toBe(a.id);
  });
});

describe('verifyRecord on hostile keys', () => {
  it('resolves to null, never rejects, for keys that do not import', async () => {
    const ed = await generateIdentity();
    const signed = wire(await signRecord(unsigned(ed.author), ed));
    const bytes = ed.author.slice('ed25519:'.length);
    for (const author of [`p256:${bytes}`, `ed25519:${bytes.slice(0, -2)}`, `rsa:${bytes}`] as AuthorKey[]) {
      await expect(verifyRecord({ ...signed, author })).resolves.toEqual({ valid: false, checked: true });
    }
    // A failed import must not poison the key cache for the genuine key.
    expect(await verifyRecord(signed)).toMatchObject({ valid: true });
  });

  it('treats an Ed25519 and a P-256 signature as distinct schemes', async () => {
    const ed = await generateIdentity();
    const p = await p256Identity();
    expect(ed.algorithm).toBe('ed25519');
    expect(ed.author).toMatch(/^ed25519:/);
    expect(p.author).toMatch(/^p256:/);
    const edSigned = wire(await signRecord(unsigned(ed.author), ed));
    const pSigned = wire(await signRecord(unsigned(p.author), p));
    expect(await verifyRecord({ ...edSigned, sig: pSigned.sig })).toEqual({ valid: false, checked: true });
    expect(await verifyRecord({ ...pSigned, sig: edSigned.sig })).toEqual({ valid: false, checked: true });
  });
});
