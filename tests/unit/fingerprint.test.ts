import { describe, expect, it } from 'vitest';
import { fingerprintOf, nameKey } from '../../src/lib/domain/fingerprint.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { identity, sign, T0 } from './fixtures.ts';

describe('key fingerprints', () => {
  it('are stable, four unambiguous characters and a hue', () => {
    const key = 'ed25519:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' as AuthorKey;
    expect(fingerprintOf(key)).toEqual(fingerprintOf(key));
    expect(fingerprintOf(key).code).toMatch(/^[A-HJ-NP-Z2-9]{4}$/);
    expect(fingerprintOf(key).hue).toBeGreaterThanOrEqual(0);
    expect(fingerprintOf(key).hue).toBeLessThan(360);
  });

  it('tell 200 real keys apart almost always', async () => {
    const keys = await Promise.all(Array.from({ length: 200 }, (_, i) => identity(i + 1)));
    const codes = new Set(keys.map((k) => fingerprintOf(k.author).code));
    expect(codes.size).toBeGreaterThan(195);
  });

  it('fold names by case, width and spacing', () => {
    expect(nameKey('Ah  Mei ')).toBe(nameKey('ah mei'));
    expect(nameKey('ＡＨ　ＭＥＩ')).toBe(nameKey('Ah Mei'));
  });
});

describe('names two keys share', () => {
  it('are marked on both, and unmarked when one renames', async () => {
    const [founder, mei, mallory] = await Promise.all([identity(61), identity(62), identity(63)]);
    const fold = new BoardFold(founder.author);
    fold.add([await sign(mei, 'profile', { name: 'Ah Mei' }, T0)]);
    expect(fold.sharesName(mei.author)).toBe(1);
    const change = fold.add([await sign(mallory, 'profile', { name: 'AH MEI' }, T0 + 1)]);
    expect(fold.sharesName(mei.author)).toBe(2);
    expect(fold.sharesName(mallory.author)).toBe(2);
    expect([...change.profiles].sort()).toEqual([mei.author, mallory.author].sort());
    fold.add([await sign(mallory, 'profile', { name: 'Mallory' }, T0 + 2)]);
    expect(fold.sharesName(mei.author)).toBe(1);
  });
});
