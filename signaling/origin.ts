// Which browser pages may open a WebSocket here. Without this check any site a resident visits can
// open sockets from the resident's address and use up the per-address cap for the whole compound.

import type { IncomingMessage } from 'node:http';

/** `host[:port]`: a bracketed IPv6 literal or dot-separated labels, then an optional port. */
const AUTHORITY =
  /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::\d{1,5})?$/i;
/** Longest authority accepted (a 253-character name and a port). */
const MAX_AUTHORITY_LENGTH = 260;

/**
 * A Host header (or any `host[:port]`) in the form URL.host gives it: lowercased, without the
 * scheme's default port. Null when malformed (userinfo, path, stray characters, port > 65535).
 */
export function normalizeAuthority(value: string | undefined, secure: boolean): string | null {
  if (value === undefined || value.length > MAX_AUTHORITY_LENGTH || !AUTHORITY.test(value)) return null;
  try {
    return new URL(`${secure ? 'https' : 'http'}://${value}`).host;
  } catch {
    return null;
  }
}

/** `scheme://host[:port]` of an http(s) origin given in configuration; null if it is anything more or less. */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
  return bare && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : null;
}

/** Decides whether a WebSocket upgrade comes from a page allowed to use this server. */
export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;

  /** `allowed`: extra origins (normalised by normalizeOrigin), beyond the app's own. */
  constructor(allowed: readonly string[] = []) {
    this.#allowed = new Set(allowed);
  }

  /** True for the app's own origin, a configured one, or a client that sends no Origin at all. */
  allows(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // NOTE: by design: only browsers send Origin, and only browsers run other sites' scripts;
    // Node peers and other tools stay welcome (they are bounded by the per-address cap).
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin); // "null" (sandboxed frames, file:) does not parse: refused
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (this.#allowed.has(url.origin)) return true;
    // the app's own page: its origin names the very host the request was sent to
    return normalizeAuthority(req.headers.host, url.protocol === 'https:') === url.host;
  }
}
