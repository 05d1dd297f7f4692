import * as v from 'valibot';
import { RECORD_VERSION, type ParseResult, type Signed } from './envelope.ts';
import { HLC_PATTERN, type Hlc } from './hlc.ts';
import { AUTHOR_PATTERN, SIG_PATTERN, type AuthorKey } from './ids.ts';
import { REASONS, type ReasonCode } from './reason-codes.ts';

// Parsing untrusted data with valibot: what peers, files and commands need, and the first paint
// (which folds records already parsed) does not load.

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

const CODES: ReadonlySet<string> = new Set(REASONS);

/** Narrows a validator's message to a reason code; anything else is 'invalid'. */
function reasonOf(message: string | undefined): ReasonCode {
  return message !== undefined && CODES.has(message) ? (message as ReasonCode) : 'invalid';
}

/** Checks a value against a schema, turning the first issue into a reason code and field path. */
export function checkWith<T>(schema: v.GenericSchema<unknown, T>, input: unknown): ParseResult<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const field = issue.path?.map((item) => String(item.key)).join('.');
  return { ok: false, reason: reasonOf(issue.message), ...(field ? { field } : {}) };
}
