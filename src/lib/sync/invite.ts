import type { AuthorKey, RoomId } from '../domain/ids.ts';

/** Everything a device needs to join a square; travels in the URL fragment, never to a server. */
export interface Invite {
  readonly room: RoomId;
  /** The y-webrtc password: encrypts signalling so the server never reads it. */
  readonly secret: string;
  /** The founder's public key: the root of trust for the square's name and roles. */
  readonly founder: AuthorKey;
}

const ID_128 = /^[A-Za-z0-9_-]{22}$/;
const AUTHOR = /^(ed25519|p256):[A-Za-z0-9_-]{43,88}$/;

/** The fragment (without `#`) that carries an invite: `r=…&k=…&f=…`. */
export function inviteFragment(invite: Invite): string {
  return new URLSearchParams({ r: invite.room, k: invite.secret, f: invite.founder }).toString();
}

/** The shareable link for an invite, on the given page URL. */
export function inviteUrl(pageUrl: string, invite: Invite): string {
  const url = new URL(pageUrl);
  url.hash = inviteFragment(invite);
  return url.toString();
}

/** Reads an invite from a link, a fragment (`#r=…`) or a bare `r=…&k=…&f=…`; null if it is not one. */
export function parseInvite(text: string): Invite | null {
  const trimmed = text.trim();
  const hashAt = trimmed.indexOf('#');
  const fragment = hashAt >= 0 ? trimmed.slice(hashAt + 1) : trimmed;
  const params = new URLSearchParams(fragment);
  const room = params.get('r') ?? '';
  const secret = params.get('k') ?? '';
  const founder = params.get('f') ?? '';
  if (!ID_128.test(room) || !ID_128.test(secret) || !AUTHOR.test(founder)) return null;
  return { room: room as RoomId, secret, founder: founder as AuthorKey };
}
