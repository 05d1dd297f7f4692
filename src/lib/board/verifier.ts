import { toBase64url } from '../crypto/base64url.ts';
import { verifyRecord } from '../crypto/signing.ts';
import { parseRecord, type AnyRecord } from '../domain/kinds/registry.ts';
import { parseStoredForm } from './stored-form.ts';

/** What verifying an entry of the shared map found. */
export type EntryVerdict =
  | { readonly valid: true; readonly record: AnyRecord }
  | { readonly valid: false; readonly fingerprint: string; readonly known: boolean };

/**
 * Checks entries of the shared map: parse, schema, signature and id. Remembers entries found
 * invalid by a fingerprint of the whole entry, so they are not verified again.
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

  /** Verifies the entry under a key; `known` marks an invalid entry seen before. */
  async verify(key: string, value: unknown, isVaultKey: boolean): Promise<EntryVerdict> {
    const fingerprint = await fingerprintOf(value);
    if (!isVaultKey && this.#rejected.get(key) === fingerprint) return { valid: false, fingerprint, known: true };
    const parsed = parseRecord(parseStoredForm(value));
    const id = parsed.ok ? await verifyRecord(parsed.value) : null;
    if (parsed.ok && id === key) return { valid: true, record: { ...parsed.value, id } as AnyRecord };
    return { valid: false, fingerprint, known: false };
  }

  /** Remembers invalid entries, so the same entry is not verified again. */
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
