// Admission of WebSocket upgrades: which requests may become connections, decided before the
// handshake and before any slot is taken.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientAddress } from './address.ts';
import { AddressCounter } from './limits.ts';
import type { Limits } from './limits.ts';
import type { Metrics, RejectReason } from './metrics.ts';
import { SIGNAL_PATH } from './protocol.ts';

const REJECT_STATUS: Record<RejectReason, string> = {
  address_limit: '429 Too Many Requests',
  capacity: '503 Service Unavailable',
  draining: '503 Service Unavailable',
  bad_path: '404 Not Found',
  origin: '403 Forbidden',
};

function refuseUpgrade(socket: Duplex, reason: RejectReason): void {
  socket.end(`HTTP/1.1 ${REJECT_STATUS[reason]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** The path of a request URL, without its query. */
export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** What the guard consults: limits, metrics, whether to trust X-Forwarded-For, the Origin rule. */
export interface UpgradeGuardOptions {
  readonly limits: Limits;
  readonly metrics: Metrics;
  readonly trustProxy: boolean;
  /** Whether the page behind this upgrade, if it comes from a browser, may connect. */
  readonly originAllowed: (req: IncomingMessage) => boolean;
}

/** Admits or refuses upgrades, and holds each admitted one's slots until its socket closes. */
export class UpgradeGuard {
  readonly addresses: AddressCounter;
  /** Set on shutdown: every later upgrade is refused with 503. */
  draining = false;
  #sockets = 0;
  /** The address each admitted socket holds a slot of, until it closes. */
  readonly #addressOf = new WeakMap<Duplex, string>();
  /** One close listener for every socket, so a connection holds no closure of its own. */
  readonly #onClose: (this: Duplex) => void;

  constructor(private readonly options: UpgradeGuardOptions) {
    this.addresses = new AddressCounter(options.limits.maxConnectionsPerAddress);
    const release = (socket: Duplex): void => this.#release(socket);
    this.#onClose = function () {
      release(this);
    };
  }

  /** The address key of an admitted upgrade, or null once it has been refused (answered and closed). */
  admit(req: IncomingMessage, socket: Duplex): string | null {
    const { limits, metrics, trustProxy } = this.options;
    const reject = (reason: RejectReason): null => {
      metrics.reject(reason);
      refuseUpgrade(socket, reason);
      return null;
    };
    if (pathnameOf(req) !== SIGNAL_PATH) return reject('bad_path');
    // before any count: a page on another site must not use up its visitor's slots
    if (!this.options.originAllowed(req)) return reject('origin');
    if (this.draining) return reject('draining');
    if (this.#sockets >= limits.maxConnections) return reject('capacity');
    const address = clientAddress(req, trustProxy);
    if (!this.addresses.acquire(address)) return reject('address_limit');
    // count from here (not from the open event) so pending handshakes cannot overshoot the caps
    this.#sockets++;
    this.#addressOf.set(socket, address);
    // `on`, not `once`: a socket closes once, and `once` wraps the listener anew for every socket
    socket.on('close', this.#onClose);
    return address;
  }

  #release(socket: Duplex): void {
    const address = this.#addressOf.get(socket);
    if (address === undefined) return;
    this.#addressOf.delete(socket);
    this.#sockets--;
    this.addresses.release(address);
  }
}
