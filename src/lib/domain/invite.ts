import { ID_128_PATTERN, isAuthorKey, type AuthorKey, type PostId, type RoomId, type RoomNonce } from './ids.ts';
import type { ReasonCode } from './reasons.ts';

/** Everything a device needs to join a square; travels in the URL fragment, never to a server. */
export interface Invite {
  readonly room: RoomId;
  /** The y-webrtc password: encrypts signalling so the server never reads it. */
  readonly secret: string;
  /** The founder's public key: the root of trust for the square's name and roles. */
  readonly founder: AuthorKey;
  /**
   * Hashed with the founder's key into the room id (`roomBindingText`), so a link whose `f=` was
   * swapped names another room. Absent only in links made before the binding.
   */
  readonly nonce?: RoomNonce;
  /**
   * Signalling servers of this square beyond the one the app came from (`s=`, repeatable). NOTE:
   * not part of the binding, by design: a server only relays sealed, signed signals (SECURITY.md),
   * so a link given another one gains its holder nothing the room secret did not already give.
   */
  readonly signaling?: readonly string[];
}

/** Signalling servers a square may list beyond the app's own; more in a link are ignored. */
export const MAX_EXTRA_SIGNALING = 4;
/** Longest signalling URL accepted. */
export const MAX_SIGNALING_URL = 200;
/** `ws://` or `wss://`, a host, an optional port and path; no spaces, query or fragment. */
const SIGNALING_URL = /^wss?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$/;

/** Whether a text is a signalling server's URL a square may list. */
function isSignalingUrl(text: string): boolean {
  return text.length <= MAX_SIGNALING_URL && SIGNALING_URL.test(text);
}

/** The signalling URLs among `urls`, first of each kept, at most MAX_EXTRA_SIGNALING. */
export function signalingList(urls: Iterable<string>): string[] {
  const list: string[] = [];
  for (const url of urls) {
    if (list.length < MAX_EXTRA_SIGNALING && isSignalingUrl(url) && !list.includes(url)) list.push(url);
  }
  return list;
}

/** The invite with its square's extra signalling servers set to `urls` (none: the field is left out). */
export function withSignaling(invite: Invite, urls: Iterable<string>): Invite {
  const { signaling: _old, ...rest } = invite;
  const list = signalingList(urls);
  return list.length > 0 ? { ...rest, signaling: list } : rest;
}

/** Tags the hashed text with its scheme, so a later binding cannot be confused with this one. */
export const ROOM_BINDING_TAG = 'kaifong-room-v1';

/**
 * The text whose SHA-256 (first 128 bits, base64url) is a square's room id: the founder's key is
 * committed in the room, which is also the signalling topic and the name of the stored document.
 */
export function roomBindingText(founder: AuthorKey, nonce: RoomNonce): string {
  // Neither part can hold a newline (base64url, `algorithm:base64url`), so the text parses one way.
  return `${ROOM_BINDING_TAG}\n${founder}\n${nonce}`;
}

/** The fragment (without `#`) that carries an invite: `r=…&k=…&f=…&n=…`, then `&s=…` per extra server. */
export function inviteFragment(invite: Invite): string {
  // Every part is base64url or `algorithm:base64url`, which need no escaping; URLs do.
  const base = `r=${invite.room}&k=${invite.secret}&f=${invite.founder}`;
  const bound = invite.nonce === undefined ? base : `${base}&n=${invite.nonce}`;
  return [bound, ...(invite.signaling ?? []).map((url) => `s=${encodeURIComponent(url)}`)].join('&');
}

/** The shareable link for an invite, on the given page URL (its fragment replaced). */
export function inviteUrl(pageUrl: string, invite: Invite): string {
  const hashAt = pageUrl.indexOf('#');
  return `${hashAt >= 0 ? pageUrl.slice(0, hashAt) : pageUrl}#${inviteFragment(invite)}`;
}

/** The post a link or fragment points at (`p=`), if any; an invite without one gives null. */
export function postOfLink(text: string): PostId | null {
  const match = /[#&]p=([A-Za-z0-9_-]{22})(?=&|$)/.exec(text);
  return match ? (match[1] as PostId) : null;
}

/** Where an invite's fragment starts in a text: `r=` at the start, after `#`, or after a space. */
const FRAGMENT_START = /(?:^|[#\s])r=/g;
/** Punctuation a chat message may put right after a link ("…&n=abc!", "(link)", "鏈接：…。"). */
const TRAILING = /[.,!?;:)\]}>'"»」』。，！？、；：）]+$/u;
/** A room id's first characters: enough to tell a damaged invite from any other text. */
const ROOM_START = /(?:^|[#\s&])r=[A-Za-z0-9_-]{8,}/;

/**
 * Reads an invite from a link, a fragment (`#r=…`), a bare `r=…&k=…&f=…[&n=…][&s=…]`, or a chat
 * message holding one ("Join here: <link> thanks!"); null if there is none. Only the form is
 * checked here: whether the room belongs to the founder is `judgeInvite`'s question, with the
 * hash from crypto/room-binding.ts. An `s=` that is not a signalling URL is skipped, not a
 * reason to refuse the link.
 */
export function parseInvite(text: string): Invite | null {
  for (const match of text.matchAll(FRAGMENT_START)) {
    const start = match.index + match[0].length - 2;
    const token = (text.slice(start).split(/\s/, 1)[0] ?? '').replace(TRAILING, '');
    const invite = inviteOfFragment(token);
    if (invite) return invite;
  }
  return null;
}

/**
 * Why a text that is not a sound invite was refused: 'invite-damaged' when it holds the start of
 * one (cut short, or characters changed on the way), else 'not-invite'.
 */
export function inviteRefusal(text: string): 'invite-damaged' | 'not-invite' {
  return ROOM_START.test(text) ? 'invite-damaged' : 'not-invite';
}

function inviteOfFragment(fragment: string): Invite | null {
  const params = fragmentParams(fragment);
  const room = params.get('r')?.[0] ?? '';
  const secret = params.get('k')?.[0] ?? '';
  const founder = params.get('f')?.[0] ?? '';
  const nonce = params.get('n')?.[0];
  if (!ID_128_PATTERN.test(room) || !ID_128_PATTERN.test(secret) || !isAuthorKey(founder)) return null;
  if (nonce !== undefined && !ID_128_PATTERN.test(nonce)) return null;
  const invite: Invite =
    nonce === undefined
      ? { room: room as RoomId, secret, founder }
      : { room: room as RoomId, secret, founder, nonce: nonce as RoomNonce };
  return withSignaling(invite, params.get('s') ?? []);
}

/** Whether an invite may be opened, and which: a refused link opens nothing, not even storage. */
export type InviteVerdict =
  { readonly ok: true; readonly invite: Invite } | { readonly ok: false; readonly reason: ReasonCode };

/**
 * Judges an invite before anything of its square is opened. `bound`: its room is the hash of its
 * founder and nonce. A link without a nonce (made before the binding) opens only a square this
 * device already joined, and only exactly as it was joined; any other new link must be bound.
 */
export function judgeInvite(invite: Invite, bound: boolean, joined: readonly Invite[]): InviteVerdict {
  if (bound) return { ok: true, invite };
  if (invite.nonce !== undefined) return { ok: false, reason: 'invite-altered' };
  const known = joined.find((j) => j.room === invite.room);
  if (!known) return { ok: false, reason: 'invite-unbound' };
  // NOTE: the remembered invite, not the link: it may carry the nonce this link lost.
  if (known.founder === invite.founder && known.secret === invite.secret) return { ok: true, invite: known };
  return { ok: false, reason: 'invite-altered' };
}

/** `a=1&b=2&b=3` as a map of each name's values in order; undecodable parts are skipped. */
function fragmentParams(fragment: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const part of fragment.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    try {
      const name = decodeURIComponent(part.slice(0, eq));
      const value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      const values = params.get(name);
      if (values) values.push(value);
      else params.set(name, [value]);
    } catch {
      // a malformed escape: not part of an invite
    }
  }
  return params;
}
