// The signalling URLs /config.json hands the app. Never the Host header as sent: a forged one
// would point residents' phones at someone else's server.

import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Logger } from './log.ts';
import { normalizeAuthority } from './origin.ts';
import { SIGNAL_PATH } from './protocol.ts';

/** Bind addresses that name no interface in particular. */
const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['', '0.0.0.0', '::', '[::]']);

/** The ws(s) signalling URL under an http(s) app URL, e.g. https://a.example/x → wss://a.example/x/signal. */
export function signalUrlFor(appUrl: string): string {
  const url = new URL(appUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${SIGNAL_PATH}`;
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Host names (lowercase; IPv6 bracketed, as URL.hostname has them) a PEM certificate is valid for. */
export function certificateNames(pem: string | Buffer): string[] {
  let san: string | undefined;
  try {
    san = new X509Certificate(pem).subjectAltName;
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of (san ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.push(entry.slice(4).toLowerCase());
    else if (entry.startsWith('IP Address:')) {
      const ip = entry.slice(11);
      names.push(isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname : ip);
    }
  }
  return names;
}

function certificateCovers(names: readonly string[], hostname: string): boolean {
  return names.some((name) =>
    // a wildcard stands for exactly one leftmost label, as browsers match it
    name.startsWith('*.') ? hostname.slice(hostname.indexOf('.') + 1) === name.slice(2) : name === hostname,
  );
}

/** The address to advertise when the request's host cannot be trusted: the bound one, or the LAN's. */
function fallbackHost(bindHost: string): string {
  if (!WILDCARD_HOSTS.has(bindHost)) return isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost;
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic !== undefined && nic.family === 'IPv4' && !nic.internal);
  return lan?.address ?? '127.0.0.1';
}

/** Where /config.json's URLs may come from. */
export interface SignalUrlOptions {
  /** SIGNALING_URLS: used as they are. */
  readonly signalingUrls: readonly string[] | null;
  /** PUBLIC_URL: the app's address as residents open it. */
  readonly publicUrl: string | null;
  /** The TLS certificate: the names it covers are names of this server. */
  readonly tlsCert: string | Buffer | null;
  /** The address the server is bound to (HOST). */
  readonly bindHost: string;
  readonly log: Logger;
}

/** Decides what /config.json advertises: configuration first, the request's host only when it names this server. */
export class SignalUrls {
  readonly #options: SignalUrlOptions;
  readonly #certificateNames: readonly string[];
  #warned = false;

  constructor(options: SignalUrlOptions) {
    this.#options = options;
    this.#certificateNames = options.tlsCert === null ? [] : certificateNames(options.tlsCert);
  }

  /** URLs for a request that arrived on `port` over `scheme`. */
  forRequest(req: IncomingMessage, scheme: 'ws' | 'wss', port: number): readonly string[] {
    const { signalingUrls, publicUrl } = this.#options;
    if (signalingUrls !== null) return signalingUrls;
    if (publicUrl !== null) return [signalUrlFor(publicUrl)];
    const host = normalizeAuthority(req.headers.host, scheme === 'wss');
    if (host !== null && this.#namesThisServer(host, scheme, port)) return [`${scheme}://${host}${SIGNAL_PATH}`];
    if (!this.#warned) {
      this.#warned = true;
      this.#options.log.warn('/config.json: Host header does not name this server; set PUBLIC_URL');
    }
    return [`${scheme}://${fallbackHost(this.#options.bindHost)}:${port}${SIGNAL_PATH}`];
  }

  /**
   * An IP literal or localhost with our own port (an address cannot be DNS-rebound to another
   * server), or a name our certificate covers (a browser would refuse any other name anyway).
   */
  #namesThisServer(host: string, scheme: 'ws' | 'wss', port: number): boolean {
    const url = new URL(`${scheme === 'wss' ? 'https' : 'http'}://${host}`);
    if (Number(url.port || (scheme === 'wss' ? 443 : 80)) !== port) return false;
    const hostname = url.hostname;
    if (hostname === 'localhost' || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) return true;
    return certificateCovers(this.#certificateNames, hostname);
  }
}
