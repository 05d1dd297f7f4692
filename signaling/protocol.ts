// The y-webrtc 10.x signalling protocol: the one place that knows the wire format.
// Reference: node_modules/y-webrtc/bin/server.js and SignalingConn in src/y-webrtc.js.

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
  /** `raw` is the frame text exactly as received; it is forwarded verbatim. */
  | { readonly type: 'publish'; readonly topic: Topic; readonly raw: string }
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
      return { ok: true, message: { type: 'publish', topic, raw } };
    }
    case 'ping':
      return { ok: true, message: { type: 'ping' } };
    default:
      return fail('unknown_type');
  }
}

/**
 * The frame subscribers receive for a publish: the sender's JSON plus `clients`, as the reference
 * server sends it. Splicing the text keeps the payload byte-for-byte and avoids a re-stringify
 * (which would also recurse on deeply nested junk). If the sender already set `clients`, the
 * later duplicate key wins in JSON.parse, so receivers still see ours.
 */
export function publishFrame(raw: string, clients: number): string {
  const end = raw.lastIndexOf('}');
  return `${raw.slice(0, end)},"clients":${clients}}`;
}

export const PONG_FRAME: string = JSON.stringify({ type: 'pong' } satisfies ServerMessage);
