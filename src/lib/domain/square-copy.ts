import * as v from 'valibot';
import { AUTHOR_PATTERN, ID_128_PATTERN, type AuthorKey, type RoomId, type RoomNonce } from './ids.ts';
import type { Invite } from './invite.ts';

/**
 * The square on a file: its signed records and the room they belong to, to pass to a neighbour
 * without a network. This module owns the file's form (writing and reading it); whether the
 * records are genuine is the board's verifier's question, as for any peer's.
 *
 * ```json
 * { "format": "kaifong-square", "version": 1, "savedAt": "2026-12-02T01:00:00.000Z",
 *   "square": { "name": "Lok Fu Estate", "room": "…", "founder": "ed25519:…", "nonce": "…",
 *               "secret": "…" },            // the secret only when the resident chose to include it
 *   "count": 2, "records": [ { "id": "…", "v": 1, "kind": "post", … , "sig": "…" }, … ] }
 * ```
 * An archive of closed posts (`kaifong-archive`) has the same form without the secret.
 */
export const COPY_FORMAT = 'kaifong-square';
export const ARCHIVE_FORMAT = 'kaifong-archive';
export const COPY_VERSION = 1;

/** The largest file opened (a square of about 20,000 posts with their updates fits). */
export const MAX_COPY_BYTES = 64 * 1024 * 1024;

/** What a file says about its square. */
export interface CopySquare {
  readonly name: string;
  readonly room: RoomId;
  readonly founder: AuthorKey;
  readonly nonce?: RoomNonce;
  /** The room secret: present only when the sender chose to let the receiver join. */
  readonly secret?: string;
}

/** A record as it is in a file: its id and the signed record, still to be verified. */
export interface CopyEntry {
  readonly id: string;
  readonly record: unknown;
}

/** A file's contents, read but not yet verified. */
export interface SquareCopy {
  readonly format: typeof COPY_FORMAT | typeof ARCHIVE_FORMAT;
  readonly savedAt: string;
  readonly square: CopySquare;
  readonly records: readonly CopyEntry[];
}

/** Why a file was refused, as a code that i18n translates (`copy.problems`). */
export const COPY_PROBLEMS = [
  /** Not a Kaifong file at all (another file, a photo, a document). */
  'not-kaifong',
  /** A Kaifong file that is cut short or damaged: it does not read as a whole. */
  'damaged',
  /** A file written by a newer version of Kaifong than this one. */
  'newer-version',
  /** A record in the file is not what its author signed. */
  'forged',
  /** The file is of another square than the one open. */
  'other-square',
  /** The file names a room that is not its founder's: it was changed after it was written. */
  'altered',
  /** The file does not carry the key, and this device has not joined its square. */
  'no-key',
  /** The file is larger than MAX_COPY_BYTES. */
  'too-large',
  /** Something outside the file went wrong on this device (storage, the square would not open). */
  'failed',
] as const;
export type CopyProblem = (typeof COPY_PROBLEMS)[number];

export type CopyParse =
  { readonly ok: true; readonly copy: SquareCopy } | { readonly ok: false; readonly problem: CopyProblem };

const Id128 = v.pipe(v.string(), v.regex(ID_128_PATTERN));
const SquareSchema = v.strictObject({
  name: v.pipe(v.string(), v.maxLength(200)),
  room: Id128,
  founder: v.pipe(v.string(), v.regex(AUTHOR_PATTERN)),
  nonce: v.optional(Id128),
  secret: v.optional(Id128),
});
const EntrySchema = v.looseObject({ id: v.string() });
const CopySchema = v.strictObject({
  format: v.picklist([COPY_FORMAT, ARCHIVE_FORMAT]),
  version: v.literal(COPY_VERSION),
  savedAt: v.string(),
  square: SquareSchema,
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
  records: v.array(EntrySchema),
});
/** Just enough to tell a Kaifong file of another version from something else. */
const HeaderSchema = v.looseObject({ format: v.picklist([COPY_FORMAT, ARCHIVE_FORMAT]), version: v.number() });

/** How every Kaifong file begins, so a cut-off one is told from a file that was never ours. */
const FILE_START = /^\s*\{\s*"format"\s*:\s*"kaifong-(square|archive)"/;

/** The file's text for a square: records as `{ id, …signed record }`, each verifiable on its own. */
export function writeCopy(copy: SquareCopy): string {
  const records = copy.records.map((entry) => ({ id: entry.id, ...(entry.record as object) }));
  const { name, room, founder, nonce, secret } = copy.square;
  const square = {
    name,
    room,
    founder,
    ...(nonce === undefined ? {} : { nonce }),
    ...(secret === undefined ? {} : { secret }),
  };
  return JSON.stringify({
    format: copy.format,
    version: COPY_VERSION,
    savedAt: copy.savedAt,
    square,
    count: records.length,
    records,
  });
}

/** Reads a file's text into a copy, or says why it cannot be one. Never throws. */
export function readCopy(text: string): CopyParse {
  if (text.length > MAX_COPY_BYTES) return { ok: false, problem: 'too-large' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: FILE_START.test(text) ? 'damaged' : 'not-kaifong' };
  }
  const header = v.safeParse(HeaderSchema, json);
  if (!header.success) return { ok: false, problem: 'not-kaifong' };
  if (header.output.version > COPY_VERSION) return { ok: false, problem: 'newer-version' };
  const parsed = v.safeParse(CopySchema, json);
  if (!parsed.success) return { ok: false, problem: 'damaged' };
  const { format, savedAt, square, count, records } = parsed.output;
  // A file that lost records on the way (cut at a record boundary and mended) is not the whole square.
  if (count !== records.length) return { ok: false, problem: 'damaged' };
  if (format === ARCHIVE_FORMAT && square.secret !== undefined) return { ok: false, problem: 'damaged' };
  const ids = new Set<string>();
  const entries: CopyEntry[] = [];
  for (const { id, ...record } of records) {
    if (ids.has(id)) return { ok: false, problem: 'damaged' };
    ids.add(id);
    entries.push({ id, record });
  }
  return {
    ok: true,
    copy: {
      format,
      savedAt,
      square: {
        name: square.name,
        room: square.room as RoomId,
        founder: square.founder as AuthorKey,
        ...(square.nonce === undefined ? {} : { nonce: square.nonce as RoomNonce }),
        ...(square.secret === undefined ? {} : { secret: square.secret }),
      },
      records: entries,
    },
  };
}

/** What a file says about its square, from an invite; the secret only when `withKey`. */
export function copySquareOf(invite: Invite, name: string, withKey: boolean): CopySquare {
  return {
    name,
    room: invite.room,
    founder: invite.founder,
    ...(invite.nonce === undefined ? {} : { nonce: invite.nonce }),
    ...(withKey ? { secret: invite.secret } : {}),
  };
}

/** The invite a file carries, when it carries the key; null otherwise. */
export function inviteOfCopy(square: CopySquare): Invite | null {
  if (square.secret === undefined) return null;
  const base = { room: square.room, secret: square.secret, founder: square.founder };
  return square.nonce === undefined ? base : { ...base, nonce: square.nonce };
}

/** Whether a file is of this square: the same room under the same founder. */
export function isCopyOf(square: CopySquare, invite: Invite): boolean {
  return square.room === invite.room && square.founder === invite.founder;
}

/** A file name for a copy: `kaifong-lok-fu-estate-2026-12-02.json` (the date is the caller's, YYYY-MM-DD). */
export function copyFileName(format: SquareCopy['format'], squareName: string, isoDate: string): string {
  const slug = squareName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const kind = format === ARCHIVE_FORMAT ? 'archive' : 'square';
  return `kaifong-${kind}${slug ? `-${slug}` : ''}-${isoDate}.json`;
}
