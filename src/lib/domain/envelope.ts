import canonicalize from 'canonicalize';
import type { Hlc } from './hlc.ts';
import type { AuthorKey, RecordId } from './ids.ts';
import type { ReasonCode } from './reasons.ts';

/**
 * The envelope every record shares, whatever its kind: `{ v, kind, author, at, body, sig }`.
 * Bodies are the kinds' business (domain/kinds/); this module produces the exact text that is
 * signed, and parsing.ts parses envelopes.
 */
export const RECORD_VERSION = 1;

/** A record before signing: everything the signature covers. */
export interface Unsigned<K extends string = string, B = unknown> {
  readonly v: typeof RECORD_VERSION;
  readonly kind: K;
  readonly author: AuthorKey;
  readonly at: Hlc;
  readonly body: B;
}

/** A record as stored in the shared map and the vault. */
export type Signed<K extends string = string, B = unknown> = Unsigned<K, B> & { readonly sig: string };

/** A signed record whose signature has been verified, with its content-derived id. */
export type Verified<K extends string = string, B = unknown> = Signed<K, B> & { readonly id: RecordId };

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: ReasonCode; readonly field?: string };

/** Whether a parsed body is exactly what was signed: a trimmed or normalised one would not verify. */
export function inNormalForm(parsed: unknown, original: unknown): boolean {
  return canonicalize(parsed) === canonicalize(original);
}

/** The exact text that is signed and hashed (as UTF-8): RFC 8785 canonical JSON of the unsigned record. */
export function signingText(record: Unsigned): string {
  const { v: version, kind, author, at, body } = record;
  const json = canonicalize({ v: version, kind, author, at, body });
  if (json === undefined) throw new Error('record cannot be canonicalised');
  return json;
}
