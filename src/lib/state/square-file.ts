import type { Board } from '../board/board.ts';
import { checkCopy } from '../board/copy.ts';
import { isBoundInvite } from '../crypto/room-binding.ts';
import type { SignatureVerifier } from '../crypto/signature-verifier.ts';
import type { Invite } from '../domain/invite.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import {
  ARCHIVE_FORMAT,
  COPY_FORMAT,
  copyFileName,
  copySquareOf,
  inviteOfCopy,
  isCopyOf,
  readCopy,
  writeCopy,
  type CopyProblem,
  type SquareCopy,
} from '../domain/square-copy.ts';

/** A file to save or share: its name and text. */
export interface SquareFile {
  readonly fileName: string;
  readonly text: string;
}

/** What opening a copy did: how many posts and records were new here, or why nothing changed. */
export type CopyOutcome =
  | { readonly ok: true; readonly posts: number; readonly records: number }
  | { readonly ok: false; readonly problem: CopyProblem };

/** The square's records on a file; the room secret only when `withKey`. */
export function copyFile(
  invite: Invite,
  name: string,
  nowMs: number,
  records: readonly AnyRecord[],
  withKey: boolean,
): SquareFile {
  return squareFile(COPY_FORMAT, invite, name, nowMs, records, withKey);
}

/** Closed posts' records on a file, for a volunteer to keep before they are dropped (never the secret). */
export function archiveFile(invite: Invite, name: string, nowMs: number, records: readonly AnyRecord[]): SquareFile {
  return squareFile(ARCHIVE_FORMAT, invite, name, nowMs, records);
}

function squareFile(
  format: SquareCopy['format'],
  invite: Invite,
  name: string,
  nowMs: number,
  records: readonly AnyRecord[],
  withKey = false,
): SquareFile {
  const savedAt = new Date(nowMs).toISOString();
  const text = writeCopy({
    format,
    savedAt,
    square: copySquareOf(invite, name, format === COPY_FORMAT && withKey),
    records: records.map(({ id, ...record }) => ({ id, record })),
  });
  return { fileName: copyFileName(format, name, savedAt.slice(0, 10)), text };
}

/** Merges a file into an open square's board: refused whole if it is of another square or forged. */
export async function mergeFile(board: Board, invite: Invite, text: string): Promise<CopyOutcome> {
  const read = readCopy(text);
  if (!read.ok) return read;
  if (!isCopyOf(read.copy.square, invite)) return { ok: false, problem: 'other-square' };
  const merged = await board.merge(read.copy.records);
  return merged.ok ? merged : { ok: false, problem: 'forged' };
}

/** Where a file opened outside any square leads: a square to open (and merge it into), or why not. */
export type FileDestination =
  { readonly ok: true; readonly invite: Invite } | { readonly ok: false; readonly problem: CopyProblem };

/**
 * Judges a file opened from the start page before anything is opened: a square this device
 * joined opens as it was joined; another opens only with the key, a room bound to its founder,
 * and every record genuine. A refused file opens nothing, not even storage.
 */
export async function destinationOf(
  text: string,
  joined: readonly Invite[],
  signatures: SignatureVerifier,
): Promise<FileDestination> {
  const read = readCopy(text);
  if (!read.ok) return read;
  const { square, records } = read.copy;
  const known = joined.find((invite) => invite.room === square.room);
  if (known) return isCopyOf(square, known) ? { ok: true, invite: known } : { ok: false, problem: 'altered' };
  const invite = inviteOfCopy(square);
  if (!invite) return { ok: false, problem: 'no-key' };
  if (!(await isBoundInvite(invite))) return { ok: false, problem: 'altered' };
  if (!(await checkCopy(records, signatures)).ok) return { ok: false, problem: 'forged' };
  return { ok: true, invite };
}
