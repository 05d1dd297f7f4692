import type { AuthorKey, RoomId, RoomNonce } from '../domain/ids.ts';
import { roomBindingText, type Invite } from '../domain/invite.ts';
import { randomId, toBase64url } from './base64url.ts';

const encoder = new TextEncoder();

/**
 * The room id bound to a founder's key and a nonce: the first 128 bits of SHA-256 over
 * `roomBindingText`. Another key names another room unless one finds a second preimage.
 */
export async function boundRoom(founder: AuthorKey, nonce: RoomNonce): Promise<RoomId> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(roomBindingText(founder, nonce)));
  return toBase64url(new Uint8Array(digest, 0, 16)) as RoomId;
}

/** A fresh nonce for a new square's room. */
export function newRoomNonce(): RoomNonce {
  return randomId() as RoomNonce;
}

/** Whether an invite's room is the one its founder and nonce give; false without a nonce. Never rejects. */
export async function isBoundInvite(invite: Invite): Promise<boolean> {
  if (invite.nonce === undefined) return false;
  try {
    return (await boundRoom(invite.founder, invite.nonce)) === invite.room;
  } catch {
    return false;
  }
}
