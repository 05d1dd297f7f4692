import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_STATIC_DIR, configFromEnv } from '../../signaling/config.ts';
import { DEFAULT_LIMITS } from '../../signaling/limits.ts';
import { addressKey } from '../../signaling/address.ts';
import { AddressCounter, TokenBucket, bucketRate } from '../../signaling/limits.ts';

describe('configFromEnv', () => {
  it('has safe defaults', () => {
    const { options, logLevel } = configFromEnv({});
    expect(logLevel).toBe('info');
    expect(options).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      staticDir: DEFAULT_STATIC_DIR,
      iceServers: [],
      signalingUrls: null,
      publicUrl: null,
      redisUrl: null,
      tls: null,
      trustProxy: false,
      allowedOrigins: [],
      metricsPort: null,
      metricsHost: '127.0.0.1',
      metricsToken: null,
      limits: DEFAULT_LIMITS,
    });
  });

  it('reads every variable', () => {
    const { options, logLevel } = configFromEnv({
      PORT: '0',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      ICE_SERVERS: '[{"urls":["stun:a:3478"]},{"urls":"turn:b","username":"u","credential":"c"}]',
      SIGNALING_URLS: '["wss://x/signal"]',
      STATIC_DIR: '/srv/kaifong',
      REDIS_URL: 'redis://10.0.0.2:6379',
      TRUST_PROXY: '1',
      ALLOWED_ORIGINS: 'https://App.example, http://localhost:5173/',
      PUBLIC_URL: 'https://board.example.hk',
      METRICS_PORT: '9464',
      METRICS_HOST: '10.0.0.7',
      METRICS_TOKEN: 'abcdefghijklmnop',
      MAX_CONNECTIONS_PER_ADDRESS: '5',
      MESSAGE_RATE_PER_SECOND: '7.5',
      HANDSHAKE_TIMEOUT_MS: '2000',
      MAX_PENDING_CONNECTIONS_PER_ADDRESS: '16',
    });
    expect(logLevel).toBe('debug');
    expect(options).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      staticDir: '/srv/kaifong',
      signalingUrls: ['wss://x/signal'],
      redisUrl: 'redis://10.0.0.2:6379',
      trustProxy: true,
      allowedOrigins: ['https://app.example', 'http://localhost:5173'],
      publicUrl: 'https://board.example.hk/',
      metricsPort: 9464,
      metricsHost: '10.0.0.7',
      metricsToken: 'abcdefghijklmnop',
    });
    expect(options.iceServers).toHaveLength(2);
    expect(options.limits.maxConnectionsPerAddress).toBe(5);
    expect(options.limits.messageRatePerSecond).toBe(7.5);
    expect(options.limits.handshakeTimeoutMs).toBe(2000);
    expect(options.limits.maxPendingPerAddress).toBe(16);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ICE_SERVERS: 'stun:x' }, /ICE_SERVERS/],
    [{ ICE_SERVERS: '[{"url":"stun:x"}]' }, /ICE_SERVERS/],
    [{ SIGNALING_URLS: '["http://x"]' }, /SIGNALING_URLS/],
    [{ TLS_CERT: '/tmp/c.pem' }, /TLS_CERT and TLS_KEY/],
    [{ TLS_CERT: '/nonexistent/c', TLS_KEY: '/nonexistent/k' }, /cannot read/],
    [{ MAX_FRAME_BYTES: '0' }, /MAX_FRAME_BYTES/],
    [{ ALLOWED_ORIGINS: 'https://app.example/path' }, /ALLOWED_ORIGINS/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16/],
    [{ METRICS_PORT: 'x' }, /METRICS_PORT/],
    [{ ALLOWED_ORIGINS: 'app.example' }, /ALLOWED_ORIGINS/],
    [{ HANDSHAKE_TIMEOUT_MS: 'soon' }, /HANDSHAKE_TIMEOUT_MS/],
    [{ HEADERS_TIMEOUT_MS: '40000' }, /HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS/],
  ])('rejects %o', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(message);
  });
});

describe('limits', () => {
  it('token bucket allows a burst then the sustained rate', () => {
    const bucket = new TokenBucket(bucketRate(10, 3), 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false]);
  });

  it('address counter caps and forgets', () => {
    const counter = new AddressCounter(2);
    expect([counter.acquire('a'), counter.acquire('a'), counter.acquire('a'), counter.acquire('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    counter.release('a');
    counter.release('a');
    counter.release('b');
    expect(counter.addresses).toBe(0);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('groups %s as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
