// Every bound the server enforces, with its default. Env names are in config.ts.

/** Largest WebSocket frame accepted (ws `maxPayload`); larger ones close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Topics one connection may be subscribed to at once. */
export const MAX_TOPICS_PER_CONNECTION = 64;
/**
 * Concurrent WebSocket connections from one remote address (IPv6: one /64). A whole compound often
 * shares one public address behind NAT: ~300 households with ~3 open devices or tabs each is ~900,
 * so 1,024 fits them, while one address still cannot take more than a tenth of MAX_CONNECTIONS.
 * Browsers on other sites no longer count here at all: their upgrades fail the Origin check first.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 1_024;
/** Concurrent WebSocket connections in total. */
export const MAX_CONNECTIONS = 10_000;
/** Sustained frames per second per connection (token bucket refill). */
export const MESSAGE_RATE_PER_SECOND = 100;
/** Frames a connection may send in a burst; a joining peer signals to ~30 others at once. */
export const MESSAGE_BURST = 400;
/** Dropped frames (malformed, over rate, over limits) tolerated in a burst before closing. */
export const STRIKE_BURST = 20;
/** Strikes forgiven per second. */
export const STRIKE_RATE_PER_SECOND = 1;
/** Unsent bytes queued to one client before it is treated as a slow consumer and closed. */
export const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
/** Interval of the WebSocket-level ping; a client silent for a whole interval is dropped. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
/** The heartbeat pings 1/HEARTBEAT_SLICES of the clients at a time, spread over the interval. */
export const HEARTBEAT_SLICES = 10;
/** How long a closed client gets to complete the close handshake before its socket is destroyed. */
export const CLOSE_HANDSHAKE_MS = 2_000;
/** Upper bound for a graceful shutdown before remaining sockets are destroyed. */
export const SHUTDOWN_TIMEOUT_MS = 5_000;
/**
 * From TCP accept to a complete first request or upgrade (TLS handshake included). A phone on poor
 * Wi-Fi needs well under a second; Node itself never closes a socket that sends nothing at all.
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Headers of each later request on a kept-alive connection (Node `server.headersTimeout`). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request (Node `server.requestTimeout`); the server takes no bodies, so this is generous. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node checks the two timeouts above (its default of 30 s would triple a 10 s bound). */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;
/**
 * Connections from one address that have waited longer than PENDING_GRACE_MS for their first
 * request. Past the cap the oldest is closed, so a flood of half-open sockets pushes out its own and
 * a newcomer from the same address (a compound behind one NAT) still gets in.
 */
export const MAX_PENDING_CONNECTIONS_PER_ADDRESS = 128;
/**
 * Younger connections do not count against their address: a burst accepted in one event-loop turn
 * (a whole compound reconnecting at once after a restart: y-webrtc's backoff has no jitter) is all
 * pending until its requests are read a moment later, and must not evict itself. An honest client
 * sends its request within a round trip or two, far below this.
 */
export const PENDING_GRACE_MS = 1_000;
/**
 * Connections still in their handshake, in total, whatever their age: the hard bound on the file
 * descriptors half-open sockets hold (half of a default 1,024-file `ulimit -n`). Past it the oldest
 * pending connection of all is closed.
 */
export const MAX_PENDING_CONNECTIONS = 512;

/** Close codes sent to clients. */
export const CLOSE_GOING_AWAY = 1001;
/** Sent by ws itself when a frame exceeds `maxFrameBytes`. */
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;
/** Application code: the client kept sending frames the server had to drop. */
export const CLOSE_POLICY = 4008;

export interface Limits {
  readonly maxFrameBytes: number;
  readonly maxTopicsPerConnection: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxConnections: number;
  readonly messageRatePerSecond: number;
  readonly messageBurst: number;
  readonly strikeBurst: number;
  readonly strikeRatePerSecond: number;
  readonly maxBufferedBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxPendingPerAddress: number;
  readonly maxPendingConnections: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxFrameBytes: MAX_FRAME_BYTES,
  maxTopicsPerConnection: MAX_TOPICS_PER_CONNECTION,
  maxConnectionsPerAddress: MAX_CONNECTIONS_PER_ADDRESS,
  maxConnections: MAX_CONNECTIONS,
  messageRatePerSecond: MESSAGE_RATE_PER_SECOND,
  messageBurst: MESSAGE_BURST,
  strikeBurst: STRIKE_BURST,
  strikeRatePerSecond: STRIKE_RATE_PER_SECOND,
  maxBufferedBytes: MAX_BUFFERED_BYTES,
  heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  maxPendingPerAddress: MAX_PENDING_CONNECTIONS_PER_ADDRESS,
  maxPendingConnections: MAX_PENDING_CONNECTIONS,
});

/** A token bucket's refill rate and size; one object shared by every bucket of that kind. */
export interface BucketRate {
  readonly perMs: number;
  readonly burst: number;
}

export function bucketRate(ratePerSecond: number, burst: number): BucketRate {
  return { perMs: ratePerSecond / 1000, burst };
}

/**
 * Classic token bucket; time is passed in (milliseconds) so tests need no clock. Every connection
 * holds two, so each keeps only its own level and time; the rate is shared.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly rate: BucketRate,
    now: number,
  ) {
    this.#tokens = rate.burst;
    this.#last = now;
  }

  /** Take one token; false when the bucket is empty. */
  take(now: number): boolean {
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.rate.burst, this.#tokens + elapsed * this.rate.perMs);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Counts live connections per remote address, refusing beyond a cap. */
export class AddressCounter {
  readonly #counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Reserve a slot for `address`; false if it is full. */
  acquire(address: string): boolean {
    const n = this.#counts.get(address) ?? 0;
    if (n >= this.max) return false;
    this.#counts.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    const n = this.#counts.get(address) ?? 0;
    // delete at zero so the map holds only live addresses
    if (n <= 1) this.#counts.delete(address);
    else this.#counts.set(address, n - 1);
  }

  get addresses(): number {
    return this.#counts.size;
  }
}
