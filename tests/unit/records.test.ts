import { describe, expect, it } from 'vitest';
import { checkQuantity } from '../../src/lib/domain/catalogue.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { checkBody, parseRecord } from '../../src/lib/domain/kinds/parse.ts';
import type { SignedRecord, UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { signingText } from '../../src/lib/domain/envelope.ts';
import { hlc, postBody, T0 } from './fixtures.ts';

const AUTHOR = `ed25519:${'A'.repeat(43)}` as AuthorKey;
const SIG = 'S'.repeat(86);

function envelope(kind: string, body: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, kind, author: AUTHOR, at: hlc(T0), body, sig: SIG, ...extra };
}

const encoder = new TextEncoder();

describe('signingText (canonical encoding)', () => {
  it('is RFC 8785 JSON: sorted keys, no whitespace, no sig or id', () => {
    const record = {
      v: 1,
      kind: 'profile',
      author: AUTHOR,
      at: hlc(T0),
      body: { name: 'Mrs Chan', building: 'Block A' },
      sig: SIG,
      id: 'whatever',
    } as unknown as UnsignedRecord;
    expect(signingText(record)).toBe(
      `{"at":"${hlc(T0)}","author":"${AUTHOR}","body":{"building":"Block A","name":"Mrs Chan"},"kind":"profile","v":1}`,
    );
  });

  it('does not depend on the order keys were written in', () => {
    const a: UnsignedRecord = { v: 1, kind: 'post', author: AUTHOR, at: hlc(T0), body: postBody({ note: 'x' }) };
    const body = a.body as ReturnType<typeof postBody>;
    const reordered = {
      body: {
        note: 'x',
        where: { floor: body.where.floor, building: body.where.building },
        groups: [],
        urgency: body.urgency,
        items: [{ qty: 2, item: 'paracetamol-500' }],
        type: 'need',
      },
      at: a.at,
      kind: 'post',
      author: AUTHOR,
      v: 1,
    } as unknown as UnsignedRecord;
    expect(signingText(reordered)).toBe(signingText(a));
    expect(encoder.encode(signingText(reordered))).toEqual(encoder.encode(signingText(a)));
  });

  it('distinguishes records that differ in any signed field', () => {
    const base: UnsignedRecord = { v: 1, kind: 'profile', author: AUTHOR, at: hlc(T0), body: { name: 'Ah Ming' } };
    const texts = new Set([
      signingText(base),
      signingText({ ...base, at: hlc(T0, 1) }),
      signingText({ ...base, author: `ed25519:${'B'.repeat(43)}` as AuthorKey }),
      signingText({ ...base, body: { name: 'Ah Mang' } }),
      signingText({ ...base, kind: 'square' } as UnsignedRecord),
    ]);
    expect(texts.size).toBe(5);
  });

  it('keeps non-ASCII text as UTF-8 and sorts keys by UTF-16 code units', () => {
    const record = {
      v: 1,
      kind: 'profile',
      author: AUTHOR,
      at: hlc(T0),
      body: { name: '陳太太 👵🏻', é: 1, z: 2, 街: 3 },
    } as unknown as UnsignedRecord;
    const text = signingText(record);
    expect(text).toContain('"body":{"name":"陳太太 👵🏻","z":2,"é":1,"街":3}');
    // Same characters in NFC and NFD are different text and must not be conflated silently.
    const nfc = signingText({ ...record, body: { name: 'Zoé' } });
    const nfd = signingText({ ...record, body: { name: 'Zoe\u0301' } });
    expect(nfc).not.toBe(nfd);
    expect(encoder.encode(signingText({ ...record, body: { name: '陳太太' } }))).toEqual(
      encoder.encode(signingText({ ...record, body: { name: '\u9673\u592a\u592a' } })),
    );
  });

  it('escapes control characters', () => {
    const text = signingText({ v: 1, kind: 'profile', author: AUTHOR, at: hlc(T0), body: { name: 'a\nb\u0001' } });
    expect(text).toContain('"name":"a\\nb\\u0001"');
  });
});

describe('parseRecord', () => {
  it('accepts a well-formed record and returns its fields', () => {
    const input = envelope('post', postBody({ note: '孩子發燒' }));
    const result = parseRecord(input);
    expect(result).toEqual({ ok: true, value: input });
  });

  it.each([
    ['null', null],
    ['a string', 'record'],
    ['an array', []],
    ['a missing signature', (({ sig: _s, ...rest }) => rest)(envelope('profile', { name: 'A' }))],
    ['another version', envelope('profile', { name: 'A' }, { v: 2 })],
    ['an unknown kind', envelope('poll', { name: 'A' })],
    ['a malformed author', envelope('profile', { name: 'A' }, { author: 'rsa:abc' })],
    ['a malformed timestamp', envelope('profile', { name: 'A' }, { at: '2022-12-20T09:00:00Z' })],
    ['a malformed signature', envelope('profile', { name: 'A' }, { sig: 'short' })],
    ['an unknown envelope field', envelope('profile', { name: 'A' }, { id: 'x' })],
  ])('rejects %s', (_label, input) => {
    const result = parseRecord(input);
    expect(result.ok).toBe(false);
  });

  it.each([
    ['an unknown body field', 'profile', { name: 'A', admin: true }, 'invalid'],
    ['an empty name', 'profile', { name: '' }, 'blank-name'],
    ['a name of only spaces', 'square', { name: '   ' }, 'blank-name'],
    ['a name too long', 'profile', { name: 'x'.repeat(41) }, 'too-long'],
    ['a post with no items', 'post', postBody({ items: [] }), 'required'],
    ['an unknown catalogue item', 'post', postBody({ items: [{ item: 'vodka' as 'other', qty: 1 }] }), 'invalid'],
    ['a fractional quantity', 'post', postBody({ items: [{ item: 'paracetamol-500', qty: 1.5 }] }), 'invalid'],
    ['a zero quantity', 'post', postBody({ items: [{ item: 'paracetamol-500', qty: 0 }] }), 'required'],
    ['a duplicate group', 'post', postBody({ groups: ['child', 'child'] }), 'duplicate-group'],
    ['an unknown update action', 'update', { post: 'A'.repeat(22), action: 'delete' }, 'invalid'],
    ['an update of a malformed post id', 'update', { post: 'short', action: 'resolve' }, 'invalid'],
  ])('rejects a body with %s, as a reason code', (_label, kind, body, reason) => {
    const result = parseRecord(envelope(kind, body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it.each([
    ['a note with leading space', 'post', postBody({ note: ' needed tonight' })],
    ['a building with trailing space', 'post', postBody({ where: { building: 'Block A ', floor: '3' } })],
    ['an untrimmed name', 'profile', { name: 'Ah Ming ' }],
    ['an untrimmed square name', 'square', { name: '\tTai Hang' }],
  ])('rejects a body not in normal form: %s', (_label, kind, body) => {
    // The schema would trim these, but the signature covers the untrimmed text.
    expect(parseRecord(envelope(kind, body))).toEqual({ ok: false, reason: 'not-normal-form' });
  });

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const input of [
      undefined,
      1n,
      Symbol('x'),
      cyclic,
      envelope('post', cyclic),
      envelope('post', { note: 1n }),
    ]) {
      expect(() => parseRecord(input)).not.toThrow();
      expect(parseRecord(input).ok).toBe(false);
    }
  });
});

describe('quantities', () => {
  it('warns above the suggested maximum and refuses above three times it', () => {
    // Ibuprofen 200 mg: 4 tablets suggested per post.
    expect(checkQuantity('ibuprofen-200', 4)).toBe('ok');
    expect(checkQuantity('ibuprofen-200', 5)).toBe('over-suggestion');
    expect(checkQuantity('ibuprofen-200', 12)).toBe('over-suggestion');
    expect(checkQuantity('ibuprofen-200', 13)).toBe('refused');
  });

  it('lets the schema accept a quantity over the suggestion but refuse one over 3×', () => {
    const over = postBody({ items: [{ item: 'ibuprofen-200', qty: 12 }] });
    const refused = postBody({ items: [{ item: 'ibuprofen-200', qty: 13 }] });
    expect(checkBody('post', over).ok).toBe(true);
    expect(checkBody('post', refused)).toEqual({ ok: false, reason: 'quantity-refused', field: 'items.0' });
    expect(parseRecord(envelope('post', over)).ok).toBe(true);
    expect(parseRecord(envelope('post', refused)).ok).toBe(false);
  });

  it('refuses a hoarding line even among ordinary ones', () => {
    const body = postBody({
      items: [
        { item: 'surgical-mask', qty: 10 },
        { item: 'antigen-test', qty: 7 },
      ],
    });
    expect(checkBody('post', body).ok).toBe(false);
  });
});

describe('post rules', () => {
  it('requires a swap to say what is wanted, and only a swap', () => {
    const wants = [{ item: 'antigen-test' as const, qty: 1 }];
    expect(checkBody('post', postBody({ type: 'swap' }))).toEqual({ ok: false, reason: 'swap-wants' });
    expect(checkBody('post', postBody({ type: 'swap', wants })).ok).toBe(true);
    expect(checkBody('post', postBody({ type: 'offer', wants })).ok).toBe(false);
    expect(checkBody('post', postBody({ type: 'swap', wants: [] })).ok).toBe(false);
  });

  it('requires "other" items to be described', () => {
    expect(checkBody('post', postBody({ items: [{ item: 'other', qty: 1 }] }))).toEqual({
      ok: false,
      reason: 'describe-other',
      field: 'items.0',
    });
    expect(checkBody('post', postBody({ items: [{ item: 'other', qty: 1, text: '   ' }] })).ok).toBe(false);
    expect(checkBody('post', postBody({ items: [{ item: 'other', qty: 1, text: 'Vitamin C' }] })).ok).toBe(true);
  });

  it('gives a medicine expiry date only to offers and swaps', () => {
    expect(checkBody('post', postBody({ medicineExpiry: '2024-06-30' })).ok).toBe(false);
    expect(checkBody('post', postBody({ type: 'offer', medicineExpiry: '2024-06-30' })).ok).toBe(true);
    expect(checkBody('post', postBody({ type: 'offer', medicineExpiry: '30/06/2024' })).ok).toBe(false);
  });

  it('trims what a local user typed before it is signed', () => {
    const checked = checkBody('post', postBody({ note: '  needed tonight \n' }));
    expect(checked).toMatchObject({ ok: true, value: { note: 'needed tonight' } });
    const record = { ...envelope('post', checked.ok ? checked.value : null) } as unknown as SignedRecord;
    expect(parseRecord(record).ok).toBe(true);
  });
});
