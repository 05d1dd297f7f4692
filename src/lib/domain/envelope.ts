import * as v from 'valibot';
import canonicalize from 'canonicalize';
import { HLC_PATTERN, type Hlc } from './hlc.ts';
import { AUTHOR_PATTERN, SIG_PATTERN, type AuthorKey, type RecordId } from './ids.ts';
import { reasonOf, type ReasonCode } from './reasons.ts';

/**
 * The envelope every record shares, whatever its kind: `{ v, kind, author, at, body, sig }`.
 * Bodies are the kinds' business (domain/kinds/); this module parses the envelope and produces
 * the exact text that is signed.
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

const EnvelopeSchema = v.strictObject({
  v: v.literal(RECORD_VERSION),
  kind: v.string(),
  author: v.pipe(v.string(), v.regex(AUTHOR_PATTERN)),
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  body: v.unknown(),
  sig: v.pipe(v.string(), v.regex(SIG_PATTERN)),
});

/** Parses untrusted data into an envelope with a body still to be checked. Never throws. */
export function parseEnvelope(input: unknown): ParseResult<Signed<string, unknown>> {
  const envelope = v.safeParse(EnvelopeSchema, input);
  if (!envelope.success) return { ok: false, reason: 'invalid' };
  const { author, at } = envelope.output;
  return { ok: true, value: { ...envelope.output, author: author as AuthorKey, at: at as Hlc } };
}

/** Checks a value against a schema, turning the first issue into a reason code and field path. */
export function checkWith<T>(schema: v.GenericSchema<unknown, T>, input: unknown): ParseResult<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const field = issue.path?.map((item) => String(item.key)).join('.');
  return { ok: false, reason: reasonOf(issue.message), ...(field ? { field } : {}) };
}

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
