import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuthorKey, RoomId, RoomNonce } from '../../src/lib/domain/ids.ts';
import type { Invite } from '../../src/lib/domain/invite.ts';
import {
  ARCHIVE_FORMAT,
  COPY_FORMAT,
  copyFileName,
  copySquareOf,
  inviteOfCopy,
  isCopyOf,
  readCopy,
  writeCopy,
  type SquareCopy,
} from '../../src/lib/domain/square-copy.ts';

const invite: Invite = {
  room: 'R'.repeat(22) as RoomId,
  secret: 'S'.repeat(22),
  founder: `ed25519:${'F'.repeat(43)}` as AuthorKey,
  nonce: 'N'.repeat(22) as RoomNonce,
};

const record = (n: number) => ({
  v: 1,
  kind: 'post',
  author: `ed25519:${'A'.repeat(43)}`,
  at: `${String(1_700_000_000_000 + n).padStart(16, '0')}-0000`,
  body: { note: `post ${n}`, items: [{ item: 'paracetamol-500', qty: n }] },
  sig: 'G'.repeat(86),
});

function copyOf(n: number, withKey = false): SquareCopy {
  return {
    format: COPY_FORMAT,
    savedAt: '2026-12-02T01:00:00.000Z',
    square: copySquareOf(invite, 'Lok Fu Estate', withKey),
    records: Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, record: record(i) })),
  };
}

const b64 = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
const arbitrarySquare = fc.record(
  {
    name: fc.string({ maxLength: 80 }),
    room: b64.map((s) => s as RoomId),
    founder: fc.stringMatching(/^ed25519:[A-Za-z0-9_-]{43}$/).map((s) => s as AuthorKey),
    nonce: b64.map((s) => s as RoomNonce),
    secret: b64,
  },
  { requiredKeys: ['name', 'room', 'founder'] },
);
const arbitraryRecord = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((key) => key !== 'id' && key !== '__proto__'),
  fc.jsonValue(),
  { maxKeys: 6 },
);
const arbitraryCopy: fc.Arbitrary<SquareCopy> = fc.record({
  format: fc.constant(COPY_FORMAT),
  savedAt: fc.string(),
  square: arbitrarySquare,
  records: fc
    .uniqueArray(fc.string({ maxLength: 30 }), { maxLength: 20 })
    .chain((ids) =>
      fc.tuple(...ids.map((id) => arbitraryRecord.map((r) => ({ id, record: r as unknown })))).map((e) => e),
    ),
});

describe('the square on a file', () => {
  it('reads back exactly what was written: square, records and their ids (save → open round-trips)', () => {
    fc.assert(
      fc.property(arbitraryCopy, (copy) => {
        const read = readCopy(writeCopy(copy));
        expect(read).toEqual({ ok: true, copy: JSON.parse(JSON.stringify(copy)) as SquareCopy });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses every cut-short file as damaged, never as a smaller square', () => {
    const text = writeCopy(copyOf(3, true));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 1 }), (length) => {
        const read = readCopy(text.slice(0, length));
        expect(read.ok).toBe(false);
        // Beyond the first few characters the file is recognisably Kaifong's, and damaged.
        if (length > 40 && !read.ok) expect(read.problem).toBe('damaged');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a file that lost records, repeats one, or was altered into the wrong shape', () => {
    const full = JSON.parse(writeCopy(copyOf(3))) as { records: unknown[]; count: number; square: object };
    expect(readCopy(JSON.stringify({ ...full, records: full.records.slice(1) }))).toEqual({
      ok: false,
      problem: 'damaged',
    });
    expect(readCopy(JSON.stringify({ ...full, records: [full.records[0], full.records[0], full.records[1]] }))).toEqual(
      { ok: false, problem: 'damaged' },
    );
    expect(readCopy(JSON.stringify({ ...full, square: { ...full.square, room: 'short' } }))).toEqual({
      ok: false,
      problem: 'damaged',
    });
    expect(readCopy(JSON.stringify({ ...full, records: [1, 2, 3] }))).toEqual({ ok: false, problem: 'damaged' });
  });

  it('tells a file that is not Kaifong’s from a damaged one, and a newer version from both', () => {
    for (const text of ['', 'hello', '\u0089PNG\r\n', '{"name":"a photo"}', '[1,2,3]', 'null', '{"format":"other"}'])
      expect(readCopy(text)).toEqual({ ok: false, problem: 'not-kaifong' });
    const newer = { ...(JSON.parse(writeCopy(copyOf(1))) as object), version: 2, extra: true };
    expect(readCopy(JSON.stringify(newer))).toEqual({ ok: false, problem: 'newer-version' });
  });

  it('carries the room secret only when the resident chose to include the key', () => {
    const without = readCopy(writeCopy(copyOf(1, false)));
    const withKey = readCopy(writeCopy(copyOf(1, true)));
    expect(writeCopy(copyOf(1, false))).not.toContain(invite.secret);
    if (!without.ok || !withKey.ok) throw new Error('both files read');
    expect(inviteOfCopy(without.copy.square)).toBeNull();
    expect(inviteOfCopy(withKey.copy.square)).toEqual(invite);
    expect(isCopyOf(withKey.copy.square, invite)).toBe(true);
    expect(isCopyOf(withKey.copy.square, { ...invite, room: 'X'.repeat(22) as RoomId })).toBe(false);
    expect(isCopyOf(withKey.copy.square, { ...invite, founder: `ed25519:${'M'.repeat(43)}` as AuthorKey })).toBe(false);
  });

  it('never lets an archive carry a key', () => {
    const archive = { ...copyOf(1, true), format: ARCHIVE_FORMAT } as const;
    expect(readCopy(writeCopy(archive))).toEqual({ ok: false, problem: 'damaged' });
    expect(readCopy(writeCopy({ ...archive, square: copySquareOf(invite, 'x', false) })).ok).toBe(true);
  });

  it('names the file after the square and the day', () => {
    expect(copyFileName(COPY_FORMAT, 'Lok Fu Estate', '2026-12-02')).toBe(
      'kaifong-square-lok-fu-estate-2026-12-02.json',
    );
    expect(copyFileName(ARCHIVE_FORMAT, '樂富邨', '2026-12-02')).toBe('kaifong-archive-2026-12-02.json');
  });
});
