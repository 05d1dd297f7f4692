// Environment → ServerOptions. Every variable is listed in ENV_VARS (and in README.md).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from './limits.ts';
import type { Limits } from './limits.ts';
import { isLogLevel } from './log.ts';
import type { LogLevel } from './log.ts';
import { normalizeOrigin } from './origin.ts';
import type { ServerOptions } from './server.ts';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const REPO_ROOT: string = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_STATIC_DIR: string = resolve(REPO_ROOT, 'dist');
/** The metrics listener (METRICS_PORT) binds to loopback unless told otherwise: a local Prometheus only. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';
/** Shortest METRICS_TOKEN accepted: 16 random characters are beyond guessing at any request rate. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

/** Env name of each limit. */
export const LIMIT_ENV: Readonly<Record<keyof Limits, string>> = {
  maxFrameBytes: 'MAX_FRAME_BYTES',
  maxTopicsPerConnection: 'MAX_TOPICS_PER_CONNECTION',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  maxConnections: 'MAX_CONNECTIONS',
  messageRatePerSecond: 'MESSAGE_RATE_PER_SECOND',
  messageBurst: 'MESSAGE_BURST',
  strikeBurst: 'STRIKE_BURST',
  strikeRatePerSecond: 'STRIKE_RATE_PER_SECOND',
  maxBufferedBytes: 'MAX_BUFFERED_BYTES',
  heartbeatIntervalMs: 'HEARTBEAT_INTERVAL_MS',
  shutdownTimeoutMs: 'SHUTDOWN_TIMEOUT_MS',
  handshakeTimeoutMs: 'HANDSHAKE_TIMEOUT_MS',
  headersTimeoutMs: 'HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  maxPendingPerAddress: 'MAX_PENDING_CONNECTIONS_PER_ADDRESS',
  maxPendingConnections: 'MAX_PENDING_CONNECTIONS',
};

export class ConfigError extends Error {}

export interface Config {
  readonly options: ServerOptions & { readonly port: number; readonly host: string; readonly limits: Limits };
  readonly logLevel: LogLevel;
}

type Env = Readonly<Record<string, string | undefined>>;

function number(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new ConfigError(`${name} must be a number >= ${min}, got ${raw}`);
  return value;
}

function jsonArray(env: Env, name: string): unknown[] | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be a JSON array`);
  }
  if (!Array.isArray(value)) throw new ConfigError(`${name} must be a JSON array`);
  return value as unknown[];
}

function iceServers(env: Env): unknown[] {
  const servers = jsonArray(env, 'ICE_SERVERS') ?? [];
  for (const server of servers) {
    const urls = typeof server === 'object' && server !== null ? (server as { urls?: unknown }).urls : undefined;
    const ok = typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'));
    if (!ok) throw new ConfigError('ICE_SERVERS entries must be RTCIceServer objects with "urls"');
  }
  return servers;
}

function signalingUrls(env: Env): string[] | null {
  const urls = jsonArray(env, 'SIGNALING_URLS');
  if (urls === null) return null;
  if (!urls.every((u) => typeof u === 'string' && /^wss?:\/\//.test(u))) {
    throw new ConfigError('SIGNALING_URLS must be a JSON array of ws:// or wss:// URLs');
  }
  return urls as string[];
}

function publicUrl(env: Env): string | null {
  const raw = env['PUBLIC_URL']?.trim();
  if (!raw) return null;
  const url = URL.canParse(raw) ? new URL(raw) : null;
  const web = url?.protocol === 'http:' || url?.protocol === 'https:';
  if (url === null || !web || url.username !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`PUBLIC_URL must be the app's http(s):// address, e.g. https://board.example.hk, got ${raw}`);
  }
  return url.href;
}

function metricsToken(env: Env): string | null {
  const token = env['METRICS_TOKEN'];
  if (!token) return null;
  if (token.length < METRICS_TOKEN_MIN_LENGTH || /\s/.test(token)) {
    throw new ConfigError(`METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters, without spaces`);
  }
  return token;
}

function allowedOrigins(env: Env): string[] {
  const raw = env['ALLOWED_ORIGINS'] ?? '';
  return raw
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const origin = normalizeOrigin(entry);
      if (origin === null) throw new ConfigError(`ALLOWED_ORIGINS entries must be http(s)://host[:port], got ${entry}`);
      return origin;
    });
}

function tls(env: Env): ServerOptions['tls'] {
  const cert = env['TLS_CERT'];
  const key = env['TLS_KEY'];
  if (!cert && !key) return null;
  if (!cert || !key) throw new ConfigError('TLS_CERT and TLS_KEY must be set together');
  try {
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } catch (err) {
    throw new ConfigError(`cannot read TLS_CERT/TLS_KEY: ${(err as Error).message}`);
  }
}

/** Read the configuration from the environment; throws ConfigError with a readable message. */
export function configFromEnv(env: Env = process.env): Config {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!isLogLevel(logLevel)) throw new ConfigError(`LOG_LEVEL must be error, warn, info or debug, got ${logLevel}`);
  const limits = Object.fromEntries(
    (Object.keys(LIMIT_ENV) as (keyof Limits)[]).map((key) => [
      key,
      number(env, LIMIT_ENV[key], DEFAULT_LIMITS[key], 1),
    ]),
  ) as unknown as Limits;
  // Node refuses to start otherwise
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  }
  const flag = (name: string): boolean => ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
  return {
    logLevel,
    options: {
      port: number(env, 'PORT', DEFAULT_PORT, 0),
      host: env['HOST'] || DEFAULT_HOST,
      staticDir: env['STATIC_DIR'] ? resolve(env['STATIC_DIR']) : DEFAULT_STATIC_DIR,
      iceServers: iceServers(env),
      signalingUrls: signalingUrls(env),
      publicUrl: publicUrl(env),
      redisUrl: env['REDIS_URL'] || null,
      tls: tls(env),
      trustProxy: flag('TRUST_PROXY'),
      allowedOrigins: allowedOrigins(env),
      drainDelayMs: number(env, 'DRAIN_DELAY_MS', 0, 0),
      metricsPort: env['METRICS_PORT'] ? number(env, 'METRICS_PORT', 0, 0) : null,
      metricsHost: env['METRICS_HOST'] || DEFAULT_METRICS_HOST,
      metricsToken: metricsToken(env),
      limits,
    },
  };
}
