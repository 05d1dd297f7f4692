import type { AuthorKey } from './ids.ts';

/** A short, stable mark of a key, shown beside every name so two "Ah Mei"s look different. */
export interface KeyFingerprint {
  /** Four characters from an alphabet without look-alikes (no 0/O, 1/I/l). */
  readonly code: string;
  /** A hue (0–359) for a swatch beside the code. */
  readonly hue: number;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * The fingerprint of a key: FNV-1a over its text. NOTE: not a security boundary on its own (a
 * patient attacker can grind keys to match 4 characters and a hue); names that two keys share
 * are also marked (ProfilesSlice.sharesName).
 */
export function fingerprintOf(author: AuthorKey): KeyFingerprint {
  let hash = 0x811c9dc5;
  for (let i = 0; i < author.length; i++) {
    hash ^= author.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let code = '';
  let rest = hash;
  for (let i = 0; i < 4; i++) {
    code += ALPHABET[rest % ALPHABET.length];
    rest = Math.floor(rest / ALPHABET.length);
  }
  return { code, hue: Math.floor(rest * 47) % 360 };
}

/** The form of a name two residents must not share: case, width and spacing folded. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
}
