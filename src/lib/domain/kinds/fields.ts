import * as v from 'valibot';
import type { Verdict } from '../reasons.ts';
import { nameVerdict } from './field-limits.ts';
import {
  AUTHOR_PATTERN,
  ID_128_PATTERN,
  SEAL_KEY_PATTERN,
  type AuthorKey,
  type RecordId,
  type RoomId,
  type SealKey,
} from '../ids.ts';

// NOTE: validator messages are reason codes (domain/reasons.ts), translated by the UI.

/** Optional free text, trimmed, at most `max` characters. */
export const text = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max, 'too-long'));

/**
 * A pipe action that applies a domain rule to a value already of its type: the rule's reason is
 * the issue's message. One home for a rule that a schema and the fold (or a command) both apply.
 */
export const ruled = <T>(rule: (value: T) => Verdict) =>
  v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const verdict = rule(dataset.value);
    if (!verdict.ok) addIssue({ message: verdict.reason });
  });

/** A name (of a resident, of the square), trimmed: only spaces is no name (field-limits.ts). */
export const nameText = (max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    ruled((name: string) => nameVerdict(name, max)),
  );

/** A reference to another record by its id. */
export const recordRef = v.pipe(
  v.string(),
  v.regex(ID_128_PATTERN),
  v.transform((id) => id as RecordId),
);

/** A reference to a resident by their public signing key. */
export const authorKey = v.pipe(
  v.string(),
  v.regex(AUTHOR_PATTERN),
  v.transform((key) => key as AuthorKey),
);

/** A resident's public encryption key, which messages to them are sealed to. */
export const sealKey = v.pipe(
  v.string(),
  v.regex(SEAL_KEY_PATTERN),
  v.transform((key) => key as SealKey),
);

/** A square's room id (its signalling topic). */
export const roomRef = v.pipe(
  v.string(),
  v.regex(ID_128_PATTERN),
  v.transform((id) => id as RoomId),
);
