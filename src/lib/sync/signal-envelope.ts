// The signed, timestamped envelope every signalling payload travels in (issue 9, attacks 7, 8).
//
// y-webrtc encrypts each signalling payload with the room key (AES-GCM, y-webrtc/src/crypto.js)
// and nothing else: anyone holding the secret can name any peer id as `from`, and anyone who
// captured a frame can publish it again. Here a payload is wrapped as
//   AES-GCM(roomKey, writeAny({ body, sig }))  with  body = writeAny([topic, ts, nonce, payload])
// and `sig` is the sender's signature over `body` under the key its peer id names: a peer id is
// `<algorithm>:<base64url public key>` of a key pair made for this session. So a signal comes
// from the peer it names, and `ts`/`nonce` let the receiver drop stale and replayed ones.
// NOTE: a session key, not the resident's per-square identity, by design: signalling carries ICE
// candidates (addresses), which must not be linkable to a resident's posts, and a fresh key each
// session is all that "this signal comes from the peer it names" needs.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { fromBase64url, randomId } from '../crypto/base64url.ts';
import { generateKeyPair, SIGNING_PARAMS, type SigningAlgorithm } from '../crypto/signing.ts';

/** Largest signalling `data` string accepted (base64); an SDP offer with candidates is ~4 KB. */
export const MAX_SIGNAL_CHARS = 48 * 1024;
/** Bytes of randomness in each envelope's nonce. */
export const SIGNAL_NONCE_BYTES = 16;
/** Public keys of senders kept imported; a flood of fresh ids only cycles this cache. */
export const MAX_CACHED_SENDER_KEYS = 256;

const ALGORITHMS = SIGNING_PARAMS;
type Algorithm = SigningAlgorithm;

/** A signalling payload as y-webrtc writes it (SignalingConn's `execMessage`). */
export interface SignalPayload {
  readonly type: 'announce' | 'signal';
  readonly from: string;
  readonly to?: string;
  readonly token?: number;
  readonly signal?: { readonly type?: string; readonly [field: string]: unknown };
}

/** This session's signalling key: its peer id names the public half. */
export interface SessionKey {
  readonly peerId: string;
  readonly algorithm: Algorithm;
  readonly privateKey: CryptoKey;
}

/** An opened envelope, its signature checked. */
export interface OpenedSignal {
  readonly payload: SignalPayload;
  readonly ts: number;
  readonly nonce: string;
}

/** Makes this session's key (not extractable: it lives as long as the page). */
export async function createSessionKey(): Promise<SessionKey> {
  const { name, algorithm, privateKey } = await generateKeyPair(false);
  return { peerId: name, algorithm, privateKey };
}

// ---- y-webrtc's AES-GCM framing (y-webrtc/src/crypto.js: encrypt, decrypt, encryptJson) --------

/** Encrypts bytes with the room key in y-webrtc's framing: varString 'AES-GCM', iv, ciphertext. */
export async function encryptBytes(key: CryptoKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data);
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, 'AES-GCM');
  encoding.writeVarUint8Array(encoder, iv);
  encoding.writeVarUint8Array(encoder, new Uint8Array(cipher));
  return encoding.toUint8Array(encoder);
}

/** Decrypts y-webrtc's framing; null for anything that is not a frame sealed with this key. */
export async function decryptBytes(key: CryptoKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarString(decoder) !== 'AES-GCM') return null;
    const iv = decoding.readVarUint8Array(decoder) as Uint8Array<ArrayBuffer>;
    const cipher = decoding.readVarUint8Array(decoder) as Uint8Array<ArrayBuffer>;
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, cipher));
  } catch {
    return null;
  }
}

/** `writeAny` of a value, encrypted with the room key and base64-encoded, as y-webrtc publishes it. */
export async function encryptAny(key: CryptoKey, value: unknown): Promise<string> {
  const encoder = encoding.createEncoder();
  encoding.writeAny(encoder, value as Parameters<typeof encoding.writeAny>[1]);
  return toBase64(await encryptBytes(key, encoding.toUint8Array(encoder)));
}

/** The inverse of encryptAny; null for junk (bad base64, wrong key, truncated). Never throws. */
export async function decryptAny(key: CryptoKey, data: unknown): Promise<unknown> {
  if (typeof data !== 'string' || data.length > MAX_SIGNAL_CHARS) return null;
  const bytes = fromBase64(data);
  if (!bytes) return null;
  const plain = await decryptBytes(key, bytes);
  return plain ? readAny(plain) : null;
}

// ---- the envelope ------------------------------------------------------------------------------

/** Seals a payload (whose `from` must be this session's peer id) for `topic` at `nowMs`. */
export async function sealSignal(
  payload: SignalPayload,
  session: SessionKey,
  roomKey: CryptoKey,
  topic: string,
  nowMs: number,
): Promise<string> {
  const encoder = encoding.createEncoder();
  encoding.writeAny(encoder, [topic, nowMs, randomId(SIGNAL_NONCE_BYTES), payload as never]);
  const body = encoding.toUint8Array(encoder);
  const sig = new Uint8Array(await crypto.subtle.sign(ALGORITHMS[session.algorithm].sign, session.privateKey, body));
  return encryptAny(roomKey, { body, sig });
}

/**
 * Opens an envelope: decrypts, checks its shape and topic, asks `isFresh` (before the costly
 * signature check, so replays are dropped cheaply), then verifies the signature under the key
 * `payload.from` names. Null for anything else. Never throws.
 */
export async function openSignal(
  data: unknown,
  roomKey: CryptoKey,
  topic: string,
  isFresh: (nonce: string, ts: number) => boolean,
): Promise<OpenedSignal | null> {
  const outer = await decryptAny(roomKey, data);
  if (!isRecord(outer) || !(outer['body'] instanceof Uint8Array) || !(outer['sig'] instanceof Uint8Array)) return null;
  const body = outer['body'] as Uint8Array<ArrayBuffer>;
  const inner = readAny(body);
  if (!Array.isArray(inner) || inner.length !== 4) return null;
  const [sealedTopic, ts, nonce, payload] = inner as unknown[];
  if (sealedTopic !== topic || typeof ts !== 'number' || typeof nonce !== 'string' || !isPayload(payload)) return null;
  if (!isFresh(nonce, ts)) return null;
  const key = await senderKey(payload.from);
  if (!key) return null;
  try {
    const algorithm = payload.from.slice(0, payload.from.indexOf(':')) as Algorithm;
    const sig = outer['sig'] as Uint8Array<ArrayBuffer>;
    const ok = await crypto.subtle.verify(ALGORITHMS[algorithm].sign, key.key, sig, body);
    return ok ? { payload, ts, nonce } : null;
  } catch {
    return null;
  }
}

/** Whether a decoded value has the shape y-webrtc's handler reads without throwing. */
export function isPayload(value: unknown): value is SignalPayload {
  if (!isRecord(value) || typeof value['from'] !== 'string') return false;
  const to = value['to'];
  if (to !== undefined && typeof to !== 'string') return false;
  if (value['type'] === 'announce') return true;
  if (value['type'] !== 'signal') return false;
  const token = value['token'];
  return (token === undefined || typeof token === 'number') && isRecord(value['signal']);
}

const senderKeys = new Map<string, Promise<CryptoKey | null>>();

async function senderKey(peerId: string): Promise<{ key: CryptoKey } | null> {
  let key = senderKeys.get(peerId);
  if (!key) {
    key = importSender(peerId);
    if (senderKeys.size >= MAX_CACHED_SENDER_KEYS) senderKeys.delete(senderKeys.keys().next().value!);
    senderKeys.set(peerId, key);
  }
  const imported = await key;
  return imported ? { key: imported } : null;
}

async function importSender(peerId: string): Promise<CryptoKey | null> {
  const colon = peerId.indexOf(':');
  const algorithm = peerId.slice(0, colon);
  if (algorithm !== 'ed25519' && algorithm !== 'p256') return null;
  try {
    const raw = fromBase64url(peerId.slice(colon + 1));
    return await crypto.subtle.importKey('raw', raw, ALGORITHMS[algorithm].key, false, ['verify']);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function readAny(bytes: Uint8Array): unknown {
  try {
    const decoder = decoding.createDecoder(bytes);
    const value = decoding.readAny(decoder);
    return decoding.hasContent(decoder) ? null : value;
  } catch {
    return null;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}
