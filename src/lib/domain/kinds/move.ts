import * as v from 'valibot';
import type { Authority } from '../authority.ts';
import type { AuthorKey, RoomId, SealKey } from '../ids.ts';
import { parseInvite, type Invite } from '../invite.ts';
import { ALLOWED, refused } from '../reasons.ts';
import { roomRef } from './fields.ts';
import type { KindRule } from './kind.ts';
import { sealedBoxSchema } from './message.ts';

/** Bounds on a move every device enforces. */
export const MOVE_LIMITS = {
  /**
   * Readers the new link is sealed to (vouched members, volunteers, the founder): each wrap is
   * about 140 characters, so a move to 1,000 readers is a record of about 140 KB.
   */
  readers: 1000,
  /** Base64url characters of the sealed link (a fragment of about 180 characters). */
  sealedChars: 600,
} as const;

export const MoveBodySchema = v.strictObject({
  /** The room the square moves away from: copied into the new room, this record names the old one. */
  from: roomRef,
  /** The new invite's fragment, sealed to every reader who may follow. */
  box: sealedBoxSchema(MOVE_LIMITS.sealedChars, MOVE_LIMITS.readers),
});
export type MoveBody = v.InferOutput<typeof MoveBodySchema>;

/**
 * The founder moves the square to a new link (a leaked one): the new room's invite travels sealed
 * to the members volunteers vouched for, and the old room shows that the square has moved.
 * NOTE: the new room's id is not in the clear: only who can open the box learns where it went.
 */
export const moveKind: KindRule<MoveBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) => (authority.isFounder(record.author) ? ALLOWED : refused('not-founder')),
};

/**
 * What a move's box is bound to (AES-GCM additional data): the room it leaves and its author, so
 * a box copied into another record, or into a move away from another room, does not open.
 */
export function moveBinding(from: RoomId, author: AuthorKey): string {
  return `kaifong move v1|${from}|${author}`;
}

/**
 * The invite a move's opened box names, if it is one a member may follow from `old`: another
 * room of the same founder key, bound with a nonce (whether the room really is the hash of the
 * two is crypto/room-binding.ts's question). Null for anything else a modified client sealed.
 */
export function movedInvite(text: string, old: Invite): Invite | null {
  const next = parseInvite(text);
  if (!next || next.nonce === undefined || next.founder !== old.founder || next.room === old.room) return null;
  return next;
}

/**
 * Who a move's new link is sealed to: every member the authority vouches for (volunteers and the
 * founder by their role; never a blocked key) whose profile carries an encryption key, and this
 * device's own key (the founder's other devices hold it too, restored from a backup). Everyone
 * else, whoever holds the leaked link among them, cannot open it.
 */
export function moveReaders(
  members: Iterable<{ readonly author: AuthorKey; readonly profile: { readonly seal?: SealKey } }>,
  authority: Authority,
  own: SealKey,
): SealKey[] {
  const readers = new Set<SealKey>([own]);
  for (const { author, profile } of members) if (profile.seal && authority.isVouched(author)) readers.add(profile.seal);
  return [...readers];
}
