import { toBase64url } from '../crypto/base64url.ts';
import type { EntryCheck, SignatureVerifier } from '../crypto/signature-verifier.ts';
import type { Signed } from '../domain/envelope.ts';
import type { ForeignRecord } from '../domain/fold/posts.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';

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

/** An entry that is not JSON text: never a record (the map holds records as text, stored-form.ts). */
const NOT_TEXT: EntryCheck = { status: 'invalid', junk: true };

/**
 * Checks entries of the shared map: parse, id, signature, then the kind's schema, all by the
 * injected `SignatureVerifier` (a pool of workers in the page), many at a time; this thread only
 * parses the text of the entries that hold. Remembers entries found invalid by a fingerprint of
 * the whole entry, so they are counted once.
 */
export class Verifier {
  readonly #rejected: Map<string, string>;
  readonly #signatures: SignatureVerifier;
  /** Entries being checked ahead of their turn, by key, with the value that is checked. */
  readonly #ahead = new Map<string, { readonly value: unknown; readonly check: Promise<EntryCheck> }>();

  constructor(rejected: ReadonlyMap<string, string>, signatures: SignatureVerifier) {
    this.#rejected = new Map(rejected);
    this.#signatures = signatures;
  }

  /** Entries found invalid, by key. */
  get rejectedCount(): number {
    return this.#rejected.size;
  }

  /**
   * Starts checking entries before their turn: a transfer's pieces arrive faster than the board
   * folds them, so they are checked meanwhile, and `verifyAll` takes the result.
   */
  checkAhead(entries: readonly (readonly [key: string, value: unknown])[]): void {
    const fresh = entries.filter(([key, value]) => this.#ahead.get(key)?.value !== value);
    if (fresh.length === 0) return;
    const texts = fresh.flatMap(([, value]) => (typeof value === 'string' ? [value] : []));
    const checks = texts.length > 0 ? this.#signatures.verify(texts) : Promise.resolve([]);
    let next = 0;
    for (const [key, value] of fresh) {
      const at = typeof value === 'string' ? next++ : -1;
      this.#ahead.set(key, { value, check: at < 0 ? Promise.resolve(NOT_TEXT) : checks.then((all) => all[at]!) });
    }
  }

  /** Lets go of an entry checked ahead that will not be verified (it was already held, or went). */
  forget(key: string): void {
    this.#ahead.delete(key);
  }

  /**
   * Verifies entries, each under its key; the verdicts come in the order of the entries. NOTE:
   * an entry found invalid before is checked again all the same: junk is removed from the map
   * when found, so what is seen again is rare (an entry this device could not check, or one kept
   * by an older version), and its verdict may differ.
   */
  async verifyAll(entries: readonly (readonly [key: string, value: unknown])[]): Promise<EntryVerdict[]> {
    // Everything not checked ahead with this very value is checked now, in one call.
    this.checkAhead(entries);
    const taken = entries.map(([key]) => {
      const ahead = this.#ahead.get(key)!;
      this.#ahead.delete(key);
      return ahead;
    });
    return Promise.all(taken.map(async ({ value, check }, i) => this.#judge(entries[i]![0], value, await check)));
  }

  #judge(key: string, value: unknown, check: EntryCheck): EntryVerdict | Promise<EntryVerdict> {
    if (check.status === 'invalid') return this.#invalid(key, value, check.junk);
    if (check.id !== key) return this.#invalid(key, value, true);
    // NOTE: the check was made of this very text: its schema held (in normal form, so the text is
    // exactly what the schema gives), and parsing it again here is all this thread does.
    const signed = JSON.parse(value as string) as Signed;
    if (check.status === 'foreign') {
      const { author, at } = signed;
      return { status: 'foreign', record: { id: check.id, author, at } };
    }
    return { status: 'valid', record: { ...signed, id: check.id } as AnyRecord };
  }

  /** An invalid verdict; the fingerprint is computed only here, for valid entries need none. */
  async #invalid(key: string, value: unknown, junk: boolean): Promise<EntryVerdict> {
    const fingerprint = await fingerprintOf(value);
    return { status: 'invalid', fingerprint, known: this.#rejected.get(key) === fingerprint, junk };
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
