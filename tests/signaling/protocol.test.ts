import { afterEach, describe, expect, it } from 'vitest';
import { payloadBytes } from '../../signaling/frames.ts';
import {
  MAX_TOPIC_LENGTH,
  MAX_TOPICS_PER_FRAME,
  fastPublishTopic,
  parseClientMessage,
  publishFrame,
  withTopic,
  withoutTopic,
} from '../../signaling/protocol.ts';
import { Rng } from '../support/random.ts';
import { ServerPool, isPublish } from './helpers.ts';

/** The JSON a frame from publishFrame carries. */
const payloadOf = (frame: Buffer): unknown => JSON.parse(frame.subarray(frame.length - payloadBytes(frame)).toString());

describe('parseClientMessage', () => {
  it('accepts the four message types', () => {
    expect(parseClientMessage('{"type":"subscribe","topics":["a","b"]}')).toEqual({
      ok: true,
      message: { type: 'subscribe', topics: ['a', 'b'] },
    });
    expect(parseClientMessage('{"type":"unsubscribe","topics":["a"]}')).toEqual({
      ok: true,
      message: { type: 'unsubscribe', topics: ['a'] },
    });
    const raw = '{"type":"publish","topic":"a","data":{"x":[1,2]}}';
    expect(parseClientMessage(raw)).toEqual({ ok: true, message: { type: 'publish', topic: 'a' } });
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ ok: true, message: { type: 'ping' } });
  });

  it.each([
    ['', 'not_json'],
    ['{', 'not_json'],
    ['null', 'not_object'],
    ['[1,2]', 'not_object'],
    ['"publish"', 'not_object'],
    ['{"type":"hello"}', 'unknown_type'],
    ['{"topics":["a"]}', 'unknown_type'],
    ['{"type":"subscribe"}', 'bad_field'],
    ['{"type":"subscribe","topics":"a"}', 'bad_field'],
    ['{"type":"subscribe","topics":["a",1]}', 'bad_field'],
    ['{"type":"subscribe","topics":[""]}', 'bad_field'],
    ['{"type":"publish"}', 'bad_field'],
    ['{"type":"publish","topic":42}', 'bad_field'],
    ['{"type":"publish","topic":{"a":1}}', 'bad_field'],
    [`{"type":"publish","topic":"${'x'.repeat(MAX_TOPIC_LENGTH + 1)}"}`, 'topic_too_long'],
    [
      JSON.stringify({
        type: 'subscribe',
        topics: Array.from({ length: MAX_TOPICS_PER_FRAME + 1 }, (_, i) => `t${i}`),
      }),
      'too_many_topics',
    ],
  ])('rejects %s as %s', (raw, error) => {
    expect(parseClientMessage(raw)).toEqual({ ok: false, error });
  });

  it('never throws, even on deep nesting', () => {
    const deep = '{"type":"publish","topic":"t","data":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}';
    expect(parseClientMessage(deep).ok).toBe(true);
    expect(parseClientMessage('['.repeat(50_000)).ok).toBe(false);
  });

  it('publishFrame keeps the payload and adds clients', () => {
    const raw = Buffer.from('{"type":"publish","topic":"a","data":"街坊","clients":99}  ');
    const frame = publishFrame(raw, 3);
    expect(frame[0]).toBe(0x81);
    expect(payloadOf(frame)).toEqual({ type: 'publish', topic: 'a', data: '街坊', clients: 3 });
    expect(payloadOf(publishFrame(Buffer.from(`{"data":"${'x'.repeat(300)}"}`), 12))).toEqual({
      data: 'x'.repeat(300),
      clients: 12,
    });
  });
});

/** A publish exactly as y-webrtc sends it in a room with a password: the data is base64. */
const yWebrtcPublish = (topic: string, data: string): Buffer =>
  Buffer.from(JSON.stringify({ type: 'publish', topic, data }));

describe('fastPublishTopic', () => {
  it("reads the topic of y-webrtc's own publish frames", () => {
    expect(fastPublishTopic(yWebrtcPublish('kaifong-Ab3_x.y~z', 'SGVsbG8+/w=='))).toBe('kaifong-Ab3_x.y~z');
    expect(fastPublishTopic(yWebrtcPublish('t', ''))).toBe('t');
    expect(fastPublishTopic(yWebrtcPublish('x'.repeat(MAX_TOPIC_LENGTH), 'QQ=='))).toBe('x'.repeat(MAX_TOPIC_LENGTH));
  });

  it.each([
    ['a member more', '{"type":"publish","topic":"a","data":"QQ==","clients":1}'],
    ['the same topic twice', '{"type":"publish","topic":"a","topic":"b","data":"QQ=="}'],
    ['data before topic', '{"type":"publish","data":"QQ==","topic":"a"}'],
    ['data not base64', '{"type":"publish","topic":"a","data":"Q\\"Q"}'],
    ['data an object', '{"type":"publish","topic":"a","data":{"x":1}}'],
    ['an escaped topic', '{"type":"publish","topic":"a\\u0062","data":"QQ=="}'],
    ['a non-ASCII topic', '{"type":"publish","topic":"街坊","data":"QQ=="}'],
    ['an empty topic', '{"type":"publish","topic":"","data":"QQ=="}'],
    ['a topic too long', `{"type":"publish","topic":"${'x'.repeat(MAX_TOPIC_LENGTH + 1)}","data":"QQ=="}`],
    ['white space', '{"type":"publish","topic":"a","data":"QQ=="} '],
    ['bytes after the object', '{"type":"publish","topic":"a","data":"QQ=="}}'],
    ['a cut frame', '{"type":"publish","topic":"a","data":"QQ=='],
    ['a subscribe', '{"type":"subscribe","topics":["a"]}'],
  ])('leaves a frame with %s to the parser', (_, raw) => {
    expect(fastPublishTopic(Buffer.from(raw))).toBeNull();
  });

  it('accepts only frames that JSON.parse reads as exactly {type, topic, data} with that topic (seeded mutations)', () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? 15_015);
    const rng = new Rng(seed);
    const alphabet = '{}[]":,\\ ab=+/0\u0000街';
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = [...yWebrtcPublish(`room-${rng.int(100)}`, 'QUJD'.repeat(rng.int(4)))];
      for (let m = 1 + rng.int(3); m > 0; m--) {
        const at = rng.int(bytes.length + 1);
        const insert = [...Buffer.from(alphabet[rng.int(alphabet.length)]!)];
        const edit = rng.int(3); // replace, insert or delete a byte
        if (edit === 0) bytes.splice(at, 1, ...insert);
        else if (edit === 1) bytes.splice(at, 0, ...insert);
        else bytes.splice(at, 1);
      }
      const frame = Buffer.from(bytes);
      const topic = fastPublishTopic(frame);
      if (topic === null) continue;
      accepted++;
      const parsed = JSON.parse(frame.toString()) as Record<string, unknown>;
      expect(Object.keys(parsed), `seed ${seed}: ${frame.toString()}`).toEqual(['type', 'topic', 'data']);
      expect(parsed['type']).toBe('publish');
      expect(parsed['topic']).toBe(topic);
      expect(typeof parsed['data']).toBe('string');
    }
    // mutations that keep the shape (e.g. inside data or the topic) are accepted: the check is exercised
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('relay payload without the topic', () => {
  it.each([
    '{"type":"publish","topic":"room-1","data":{"x":[1,"]}",{"topic":"inner"}]}}',
    ' { "topic" : "room-1" , "type":"publish", "data" : "a\\"}\\\\" } ',
    '{"type":"publish","t\\u006fpic":"room-1","data":1}',
    '{"type":"publish","topic":"decoy","data":null,"topic":"room-1"}',
    '{"topic":"room-1","type":"publish"}',
    '{"type":"publish","topic":"room-1","n":-1.5e3,"ok":true,"no":false}',
  ])('strips every top-level topic of %s and puts it back', (raw) => {
    const body = withoutTopic(raw);
    expect(body).not.toContain('room-1');
    expect(body).not.toMatch(/"t(?:opic|\\u006fpic)"\s*:\s*"(?:decoy|room-1)"/);
    const original = JSON.parse(raw) as Record<string, unknown>;
    expect(JSON.parse(withTopic(body, 'room-1'))).toEqual({ ...original, topic: 'room-1' });
  });

  it('copes with deep nesting without recursion', () => {
    const deep = '{"type":"publish","topic":"t","data":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}';
    expect(withoutTopic(deep)).toBe('{"type":"publish","data":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}');
  });
});

describe('signalling over a real server', () => {
  const pool = new ServerPool();
  afterEach(() => pool.closeAll());

  it('fans a publish out to every subscriber, sender included, with clients count', async () => {
    const server = await pool.start();
    const [a, b, c] = await Promise.all([pool.client(server), pool.client(server), pool.client(server)]);
    a.send({ type: 'subscribe', topics: ['room-1'] });
    b.send({ type: 'subscribe', topics: ['room-1', 'room-2'] });
    c.send({ type: 'subscribe', topics: ['room-2'] });
    await Promise.all([a.sync(), b.sync(), c.sync()]);

    const message = { type: 'publish', topic: 'room-1', data: { to: 'peer', signal: { sdp: 'v=0' } } };
    a.send(message);
    const expected = { ...message, clients: 2 };
    expect((await a.next(isPublish('room-1'))).json).toEqual(expected);
    expect((await b.next(isPublish('room-1'))).json).toEqual(expected);
    await c.sync();
    expect(c.received.filter(isPublish('room-1'))).toHaveLength(0);
    expect(server.stats()).toMatchObject({ connections: 3, topics: 2, subscriptions: 4 });
  });

  it('stops delivering after unsubscribe and forgets empty topics', async () => {
    const server = await pool.start();
    const [a, b] = await Promise.all([pool.client(server), pool.client(server)]);
    a.send({ type: 'subscribe', topics: ['r'] });
    b.send({ type: 'subscribe', topics: ['r'] });
    await Promise.all([a.sync(), b.sync()]);
    b.send({ type: 'unsubscribe', topics: ['r'] });
    await b.sync();
    a.send({ type: 'publish', topic: 'r', data: 1 });
    expect((await a.next(isPublish('r'))).json).toMatchObject({ clients: 1 });
    await b.sync();
    expect(b.received.filter(isPublish('r'))).toHaveLength(0);

    a.send({ type: 'unsubscribe', topics: ['r'] });
    await a.sync();
    expect(server.stats()).toMatchObject({ topics: 0, subscriptions: 0 });
  });

  it('answers ping with pong', async () => {
    const server = await pool.start();
    const a = await pool.client(server);
    a.send({ type: 'ping' });
    expect((await a.next()).json).toEqual({ type: 'pong' });
  });

  it('drops a closed client from its topics', async () => {
    const server = await pool.start();
    const a = await pool.client(server);
    a.send({ type: 'subscribe', topics: ['x', 'y'] });
    await a.sync();
    expect(server.stats().subscriptions).toBe(2);
    a.ws.close();
    await a.closed;
    await expect.poll(() => server.stats()).toMatchObject({ connections: 0, topics: 0, subscriptions: 0 });
  });

  it('survives malformed frames and keeps serving the same connection', async () => {
    const server = await pool.start();
    const a = await pool.client(server);
    a.send({ type: 'subscribe', topics: ['ok'] });
    for (const junk of ['{', 'null', '[]', '{"type":"publish","topic":7}', '{"type":"subscribe","topics":{}}', '💥'])
      a.send(junk);
    a.ws.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    await a.sync();
    a.send({ type: 'publish', topic: 'ok', data: 'still here' });
    expect((await a.next(isPublish('ok'))).json).toMatchObject({ data: 'still here' });
    expect(server.stats().dropped).toBe(7);
  });
});
