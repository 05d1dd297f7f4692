import * as v from 'valibot';
import { ALLOWED, reasonOf, refused, type Verdict } from '../reasons.ts';
import {
  AUTHOR_PATTERN,
  ID_128_PATTERN,
  SEAL_KEY_PATTERN,
  type AuthorKey,
  type RecordId,
  type RoomId,
  type SealKey,
} from '../ids.ts';

/** Limits on free text and list sizes, so one record cannot bloat every device. */
export const LIMITS = {
  name: 40,
  squareName: 80,
  building: 40,
  floor: 20,
  note: 1000,
  itemText: 80,
  itemsPerPost: 10,
  updateNote: 500,
  retentionDays: 365,
} as const;

// NOTE: validator messages are reason codes (domain/reasons.ts), translated by the UI.

/** Optional free text, trimmed, at most `max` characters. */
export const text = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max, 'too-long'));

/** A name (of a resident, of the square): only spaces is no name. */
export const nameText = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'blank-name'), v.maxLength(max, 'too-long'));

/** Whether a name would be accepted as a profile's or the square's: commands ask before acting. */
export function nameVerdict(name: string, max: number): Verdict {
  const parsed = v.safeParse(nameText(max), name);
  return parsed.success ? ALLOWED : refused(reasonOf(parsed.issues[0].message));
}

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
