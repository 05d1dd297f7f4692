import { toBase64url } from '../crypto/base64url.ts';
import { verifyRecord } from '../crypto/signing.ts';
import { parseEnvelope } from '../domain/envelope.ts';
import type { ForeignRecord } from '../domain/fold/posts.ts';
import { parseRecord, type AnyRecord } from '../domain/kinds/registry.ts';
import { parseStoredForm } from './stored-form.ts';

/** What verifying an entry of the shared map found. */
export type EntryVerdict =
  | { readonly status: 'valid'; readonly record: AnyRecord }
  /**
   * Validly signed, under its id, but of a kind or a body this version cannot read: a newer
   * version wrote it. Kept in the map, for the devices that can read it; not folded here.
   */
  | { readonly status: 'foreign'; readonly record: ForeignRecord }
  | {
      readonly status: 'invalid';
      readonly fingerprint: string;
      /** Found invalid before, with this very content. */
      readonly known: boolean;
      /**
       * Certainly not a validly signed record, on any device: removed from the map. Not so an
       * entry signed with a scheme this device cannot check.
       */
      readonly junk: boolean;
    };

/**
 * Checks entries of the shared map: parse, id, signature, then the kind's schema. Remembers
 * entries found invalid by a fingerprint of the whole entry, so they are counted once.
 */
export class Verifier {
  readonly #rejected: Map<string, string>;

  constructor(rejected: ReadonlyMap<string, string>) {
    this.#rejected = new Map(rejected);
  }

  /** Entries found invalid, by key. */
  get rejectedCount(): number {
    return this.#rejected.size;
  }

  /**
   * Verifies the entry under a key. NOTE: an entry found invalid before is checked again all
   * the same: junk is removed from the map when found, so what is seen again is rare (an entry
   * this device could not check, or one kept by an older version), and its verdict may differ.
   */
  async verify(key: string, value: unknown): Promise<EntryVerdict> {
    const fingerprint = await fingerprintOf(value);
    const known = this.#rejected.get(key) === fingerprint;
    const invalid = (junk: boolean): EntryVerdict => ({ status: 'invalid', fingerprint, known, junk });
    const envelope = parseEnvelope(parseStoredForm(value));
    if (!envelope.ok) return invalid(true);
    const signature = await verifyRecord(envelope.value);
    if (!signature.valid) return invalid(signature.checked);
    if (signature.id !== key) return invalid(true);
    const parsed = parseRecord(envelope.value);
    if (!parsed.ok) {
      const { author, at } = envelope.value;
      return { status: 'foreign', record: { id: signature.id, author, at } };
    }
    return { status: 'valid', record: { ...parsed.value, id: signature.id } as AnyRecord };
  }

  /** Remembers invalid entries, so the same entry is not counted again. */
  reject(entries: ReadonlyMap<string, string>): void {
    for (const [key, fingerprint] of entries) this.#rejected.set(key, fingerprint);
  }
}

const encoder = new TextEncoder();

/**
 * What the rejected-entry cache remembers of an entry: a hash of all of it. NOTE: not just the
 * signature, since a tampered copy keeps the genuine signature and must not shadow the genuine
 * record when that arrives later under the same key.
 */
async function fingerprintOf(value: unknown): Promise<string> {
  const json = jsonOf(value);
  if (json === undefined) return ''; // not JSON, so never a valid record
  return toBase64url(await crypto.subtle.digest('SHA-256', encoder.encode(json)));
}

/** JSON text of a value from the shared map, which Yjs lets hold what JSON cannot (BigInt). */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
