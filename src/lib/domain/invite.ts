import { ID_128_PATTERN, isAuthorKey, type AuthorKey, type RoomId } from './ids.ts';

/** Everything a device needs to join a square; travels in the URL fragment, never to a server. */
export interface Invite {
  readonly room: RoomId;
  /** The y-webrtc password: encrypts signalling so the server never reads it. */
  readonly secret: string;
  /** The founder's public key: the root of trust for the square's name and roles. */
  readonly founder: AuthorKey;
}

/** The fragment (without `#`) that carries an invite: `r=…&k=…&f=…`. */
export function inviteFragment(invite: Invite): string {
  // Every part is base64url or `algorithm:base64url`, which need no escaping.
  return `r=${invite.room}&k=${invite.secret}&f=${invite.founder}`;
}

/** The shareable link for an invite, on the given page URL (its fragment replaced). */
export function inviteUrl(pageUrl: string, invite: Invite): string {
  const hashAt = pageUrl.indexOf('#');
  return `${hashAt >= 0 ? pageUrl.slice(0, hashAt) : pageUrl}#${inviteFragment(invite)}`;
}

/** Reads an invite from a link, a fragment (`#r=…`) or a bare `r=…&k=…&f=…`; null if it is not one. */
export function parseInvite(text: string): Invite | null {
  const trimmed = text.trim();
  const hashAt = trimmed.indexOf('#');
  const params = fragmentParams(hashAt >= 0 ? trimmed.slice(hashAt + 1) : trimmed);
  const room = params.get('r') ?? '';
  const secret = params.get('k') ?? '';
  const founder = params.get('f') ?? '';
  if (!ID_128_PATTERN.test(room) || !ID_128_PATTERN.test(secret) || !isAuthorKey(founder)) return null;
  return { room: room as RoomId, secret, founder };
}

/** `a=1&b=2` as a map, first value of each name winning; undecodable parts are skipped. */
function fragmentParams(fragment: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of fragment.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    try {
      const name = decodeURIComponent(part.slice(0, eq));
      if (!params.has(name)) params.set(name, decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' ')));
    } catch {
      // a malformed escape: not part of an invite
    }
  }
  return params;
}
