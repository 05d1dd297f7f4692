/** Identity backup: each square's key sealed with a passphrase, restored to sign as before. */
import { describe, expect, it } from 'vitest';
import { openBackup, PBKDF2_ITERATIONS, sealBackup } from '../../src/lib/crypto/identity-backup.ts';
import { generateSealingKeys, openBox, seal } from '../../src/lib/crypto/seal.ts';
import { generateIdentity, signRecord, verifyRecord } from '../../src/lib/crypto/signing.ts';
import { RECORD_VERSION } from '../../src/lib/domain/envelope.ts';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import { hlc, T0 } from './fixtures.ts';

const room = (c: string) => c.repeat(22) as RoomId;

describe('identity backup', () => {
  it('restores every square’s key, which signs records that verify as the same author', async () => {
    const [one, two] = await Promise.all([generateIdentity(), generateIdentity()]);
    const text = await sealBackup(
      [
        { room: room('A'), identity: one, fragment: 'r=x', name: 'Tai Hang' },
        { room: room('B'), identity: two },
      ],
      'correct horse battery',
    );
    const file = JSON.parse(text) as { kdf: { iterations: number }; data: string };
    expect(file.kdf.iterations).toBeGreaterThanOrEqual(600_000);
    expect(text).not.toContain(one.author); // the content is sealed, keys and rooms alike
    expect(text).not.toContain(room('A'));

    const opened = await openBackup(text, 'correct horse battery');
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.squares.map((s) => [s.room, s.identity.author, s.name])).toEqual([
      [room('A'), one.author, 'Tai Hang'],
      [room('B'), two.author, undefined],
    ]);
    const restored = opened.squares[0]!.identity;
    const signed = await signRecord(
      { v: RECORD_VERSION, kind: 'profile', author: restored.author, at: hlc(T0), body: { name: 'Siu Ling' } },
      restored,
    );
    expect(await verifyRecord(signed)).toEqual({ valid: true, id: signed.id });
  });

  it('says clearly when the passphrase is wrong, or the file is not a backup', async () => {
    const text = await sealBackup([{ room: room('A'), identity: await generateIdentity() }], 'correct horse battery');
    expect(await openBackup(text, 'Correct horse battery')).toEqual({ ok: false, reason: 'wrong-passphrase' });
    expect(await openBackup('{"hello":1}', 'x')).toEqual({ ok: false, reason: 'not-a-backup' });
    expect(await openBackup('not json', 'x')).toEqual({ ok: false, reason: 'not-a-backup' });
    // A file that asks for fewer iterations than the floor is refused, not opened faster.
    const weak = JSON.stringify({ ...JSON.parse(text), kdf: { ...JSON.parse(text).kdf, iterations: 1000 } });
    expect(await openBackup(weak, 'correct horse battery')).toEqual({ ok: false, reason: 'not-a-backup' });
    expect(PBKDF2_ITERATIONS).toBe(600_000);
  });

  it('carries each square’s encryption key, so messages sealed to it still open after a restore', async () => {
    const [identity, sealing] = await Promise.all([generateIdentity(), generateSealingKeys()]);
    const box = await seal('Flat 12B', [sealing.publicKey], 'aad');
    const text = await sealBackup([{ room: room('A'), identity, sealing }], 'correct horse battery');
    const opened = await openBackup(text, 'correct horse battery');
    if (!opened.ok) throw new Error(opened.reason);
    const restored = opened.squares[0]?.sealing;
    expect(restored?.publicKey).toBe(sealing.publicKey);
    expect(restored && (await openBox(box, restored, 'aad'))).toBe('Flat 12B');
  });
});
