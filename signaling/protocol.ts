// The y-webrtc 10.x signalling protocol: the one place that knows the wire format.
// Reference: node_modules/y-webrtc/bin/server.js and SignalingConn in src/y-webrtc.js.

import { allocTextFrame } from './frames.ts';

/** The WebSocket path clients connect to. */
export const SIGNAL_PATH = '/signal';
/** Longest topic (room name) accepted; the app's room ids are far shorter. */
export const MAX_TOPIC_LENGTH = 256;
/** Most topics one subscribe/unsubscribe frame may name. */
export const MAX_TOPICS_PER_FRAME = 64;

export type Topic = string & { readonly __brand: 'Topic' };

export type ClientMessage =
  | { readonly type: 'subscribe'; readonly topics: readonly Topic[] }
  | { readonly type: 'unsubscribe'; readonly topics: readonly Topic[] }
  /** The frame's bytes are forwarded as received (publishFrame). */
  | { readonly type: 'publish'; readonly topic: Topic }
  | { readonly type: 'ping' };

export type ServerMessage =
  | { readonly type: 'pong' }
  | { readonly type: 'publish'; readonly topic: string; readonly clients: number; readonly [field: string]: unknown };

/** Why a frame was dropped; also the `reason` label of the drops metric. */
export type ParseError =
  'not_json' | 'not_object' | 'unknown_type' | 'bad_field' | 'topic_too_long' | 'too_many_topics';

export type ParseResult =
  { readonly ok: true; readonly message: ClientMessage } | { readonly ok: false; readonly error: ParseError };

const fail = (error: ParseError): ParseResult => ({ ok: false, error });

function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOPIC_LENGTH;
}

function topicError(value: unknown): ParseError {
  return typeof value === 'string' && value.length > MAX_TOPIC_LENGTH ? 'topic_too_long' : 'bad_field';
}

function parseTopics(value: unknown): readonly Topic[] | ParseError {
  if (!Array.isArray(value)) return 'bad_field';
  if (value.length > MAX_TOPICS_PER_FRAME) return 'too_many_topics';
  for (const item of value as unknown[]) {
    if (!isTopic(item)) return topicError(item);
  }
  return value as Topic[];
}

/** Decode one text frame from a client. Never throws. */
export function parseClientMessage(raw: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fail('not_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not_object');
  // wire decoding: the only place a loosely typed record is read
  const record = value as Record<string, unknown>;
  switch (record['type']) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = parseTopics(record['topics']);
      if (typeof topics === 'string') return fail(topics);
      return { ok: true, message: { type: record['type'], topics } };
    }
    case 'publish': {
      const topic = record['topic'];
      if (!isTopic(topic)) return fail(topicError(topic));
      return { ok: true, message: { type: 'publish', topic } };
    }
    case 'ping':
      return { ok: true, message: { type: 'ping' } };
    default:
      return fail('unknown_type');
  }
}

const PUBLISH_HEAD = Buffer.from('{"type":"publish","topic":"');
const PUBLISH_DATA = Buffer.from('","data":"');
const CLOSE_BRACE = 0x7d;
/** Bytes allowed in a topic on the fast path: printable ASCII but `"` and `\\`. */
const TOPIC_BYTE = new Uint8Array(256).map((_, c) => (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? 1 : 0));
/** The base64 alphabet, y-webrtc's encoding of an encrypted signal. */
const BASE64_BYTE = new Uint8Array(256).map((_, c) => (/[A-Za-z0-9+/=]/.test(String.fromCharCode(c)) ? 1 : 0));

/**
 * The topic of a publish frame of exactly the shape y-webrtc sends in a room with a password,
 * `{"type":"publish","topic":"<printable ASCII>","data":"<base64>"}`, read from its bytes without
 * decoding or parsing them; null for any other frame, which takes parseClientMessage's way. A frame of
 * this shape is a JSON object with no member twice, so forwarding its bytes forwards exactly what
 * JSON.parse would have accepted: the fast way skips the work, not the check.
 */
export function fastPublishTopic(frame: Buffer): Topic | null {
  const n = frame.length;
  let i = PUBLISH_HEAD.length;
  if (n < i + PUBLISH_DATA.length + 3 || !startsWith(frame, PUBLISH_HEAD, 0)) return null;
  const topicStart = i;
  while (i < n && TOPIC_BYTE[frame[i]!] === 1) i++;
  const topicLength = i - topicStart;
  if (topicLength === 0 || topicLength > MAX_TOPIC_LENGTH || !startsWith(frame, PUBLISH_DATA, i)) return null;
  i += PUBLISH_DATA.length;
  while (i < n && BASE64_BYTE[frame[i]!] === 1) i++;
  if (i !== n - 2 || frame[i] !== QUOTE || frame[i + 1] !== CLOSE_BRACE) return null;
  return frame.toString('latin1', topicStart, topicStart + topicLength) as Topic;
}

function startsWith(frame: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (frame.length < at + prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (frame[at + k] !== prefix[k]) return false;
  return true;
}

/**
 * The WebSocket frame subscribers receive for a publish: the sender's JSON bytes plus `clients`, as
 * the reference server sends it, encoded once for the whole room. `raw` is a JSON object that
 * fastPublishTopic or parseClientMessage accepted. Splicing the bytes keeps the payload as it came and
 * avoids a re-stringify (which would also recurse on deeply nested junk). If the sender already set
 * `clients`, the later duplicate key wins in JSON.parse, so receivers still see ours.
 */
export function publishFrame(raw: Buffer, clients: number): Buffer {
  const end = raw.lastIndexOf(CLOSE_BRACE);
  const tail = `,"clients":${clients}}`; // ASCII: one byte a character
  const length = end + tail.length;
  const { frame, offset } = allocTextFrame(length);
  raw.copy(frame, offset, 0, end);
  frame.write(tail, offset + end, 'latin1');
  return frame;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string that opens at `i`. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

/** Index just past the value that starts at `i`; iterative, so deep nesting costs no stack. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first !== '{' && first !== '[') {
    while (i < text.length && !',}] \t\n\r'.includes(text[i] as string)) i++;
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
    i++;
  }
  return text.length;
}

/**
 * A publish frame without its top-level `topic` members, for the Redis relay: the channel (a hash of
 * the topic) already names the room, and Redis must never see a room id. `raw` is a frame that
 * parseClientMessage accepted (a JSON object); the other members are kept byte for byte.
 */
export function withoutTopic(raw: string): string {
  const kept: string[] = [];
  let i = skipSpace(raw, 0) + 1; // past "{"
  for (;;) {
    i = skipSpace(raw, i);
    if (raw.charCodeAt(i) !== QUOTE) break; // "}"
    const keyEnd = skipString(raw, i);
    const valueEnd = skipValue(raw, skipSpace(raw, skipSpace(raw, keyEnd) + 1));
    // keys may be escaped ("t\u006fpic"), and JSON.parse lets the last duplicate win: drop them all
    if (JSON.parse(raw.slice(i, keyEnd)) !== 'topic') kept.push(raw.slice(i, valueEnd));
    i = skipSpace(raw, valueEnd);
    if (raw[i] === ',') i++;
  }
  return `{${kept.join(',')}}`;
}

/** The frame again, on the instance that received `body` (from withoutTopic) on the topic's channel. */
export function withTopic(body: string, topic: string): string {
  const rest = body.trimStart().slice(1); // past "{"
  const member = `"topic":${JSON.stringify(topic)}`;
  return rest.trimStart().startsWith('}') ? `{${member}}` : `{${member},${rest}`;
}

export const PONG_FRAME: string = JSON.stringify({ type: 'pong' } satisfies ServerMessage);
