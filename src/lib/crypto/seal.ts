import type { SealKey } from '../domain/ids.ts';
import type { SealedBox } from '../domain/kinds/message.ts';
import { fromBase64url, toBase64url } from './base64url.ts';

/**
 * Sealed messages, WebCrypto only: the text is encrypted once under a random AES-256-GCM content
 * key, and that key is wrapped for each reader (the recipient, and the sender so they can read
 * their own copy) with ECDH between a fresh ephemeral key and the reader's key (X25519, or P-256
 * where the browser lacks X25519), then HKDF-SHA-256 and AES-256-GCM. `aad` binds the box to its
 * record (post, sender, recipient): a box copied into another record does not open.
 */
export type SealAlgorithm = 'x25519' | 'p256';

const PARAMS = {
  x25519: { name: 'X25519' },
  p256: { name: 'ECDH', namedCurve: 'P-256' },
} as const;

/** A resident's encryption keys in one square. NOTE: extractable, like the signing key, for the backup. */
export interface SealingKeys {
  readonly publicKey: SealKey;
  readonly privateKey: CryptoKey;
}

const encoder = new TextEncoder();
const HKDF_INFO = encoder.encode('kaifong seal v1');
const NONCE_BYTES = 12;

function algorithmOf(key: SealKey): SealAlgorithm {
  return key.split(':')[0] as SealAlgorithm;
}

/** Makes encryption keys: X25519, or ECDH P-256 where X25519 is missing (or when asked for). */
export async function generateSealingKeys(only?: SealAlgorithm): Promise<SealingKeys> {
  const algorithms: readonly SealAlgorithm[] = only ? [only] : ['x25519', 'p256'];
  for (const algorithm of algorithms) {
    try {
      const pair = (await crypto.subtle.generateKey(PARAMS[algorithm], true, ['deriveBits'])) as CryptoKeyPair;
      return { publicKey: await publicName(algorithm, pair.publicKey), privateKey: pair.privateKey };
    } catch (error) {
      if (algorithm === algorithms[algorithms.length - 1]) throw error;
    }
  }
  throw new Error('unreachable');
}

async function publicName(algorithm: SealAlgorithm, key: CryptoKey): Promise<SealKey> {
  return `${algorithm}:${toBase64url(await crypto.subtle.exportKey('raw', key))}` as SealKey;
}

/** The private key as PKCS #8, for the identity backup. */
export async function exportSealingKey(keys: SealingKeys): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
}

/** Imports keys from a backup; checks that the private key opens what is sealed to the public one. */
export async function importSealingKeys(publicKey: SealKey, pkcs8: Uint8Array<ArrayBuffer>): Promise<SealingKeys> {
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, PARAMS[algorithmOf(publicKey)], true, [
    'deriveBits',
  ]);
  const keys = { publicKey, privateKey };
  const probe = await seal('kaifong key check', [publicKey], 'probe');
  if ((await openBox(probe, keys, 'probe')) === null) throw new Error('the private key does not belong to this key');
  return keys;
}

async function wrappingKey(
  privateKey: CryptoKey,
  peer: SealKey,
  ephemeral: SealKey,
  reader: SealKey,
  usage: 'encrypt' | 'decrypt',
): Promise<CryptoKey> {
  const algorithm = algorithmOf(peer);
  const peerKey = await crypto.subtle.importKey(
    'raw',
    fromBase64url(peer.slice(algorithm.length + 1)),
    PARAMS[algorithm],
    false,
    [],
  );
  const shared = await crypto.subtle.deriveBits({ name: PARAMS[algorithm].name, public: peerKey }, privateKey, 256);
  const material = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  // Both public keys in the salt: the wrap belongs to this ephemeral key and this reader only.
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(`${ephemeral}|${reader}`), info: HKDF_INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

/** Seals `text` so that each of `readers` (public keys of either algorithm) can open it. */
export async function seal(text: string, readers: readonly SealKey[], aad: string): Promise<SealedBox> {
  const additionalData = encoder.encode(aad);
  const contentKey = crypto.getRandomValues(new Uint8Array(32));
  const n = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const content = await crypto.subtle.importKey('raw', contentKey, 'AES-GCM', false, ['encrypt']);
  const c = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: n, additionalData }, content, encoder.encode(text));
  const k = await Promise.all(
    readers.map(async (reader) => {
      const ephemeral = await generateSealingKeys(algorithmOf(reader));
      const wrap = await wrappingKey(ephemeral.privateKey, reader, ephemeral.publicKey, reader, 'encrypt');
      const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
      const wrapped = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, wrap, contentKey);
      const w = new Uint8Array(NONCE_BYTES + wrapped.byteLength);
      w.set(iv);
      w.set(new Uint8Array(wrapped), NONCE_BYTES);
      return { e: ephemeral.publicKey, w: toBase64url(w) };
    }),
  );
  return { n: toBase64url(n), c: toBase64url(c), k };
}

/**
 * Opens a box with this resident's keys; null when it was not sealed to them, was sealed for
 * another record (`aad`), or was tampered with. Never throws.
 */
export async function openBox(box: SealedBox, keys: SealingKeys, aad: string): Promise<string | null> {
  const additionalData = encoder.encode(aad);
  const mine = algorithmOf(keys.publicKey);
  for (const entry of box.k) {
    if (algorithmOf(entry.e) !== mine) continue;
    try {
      const wrap = await wrappingKey(keys.privateKey, entry.e, entry.e, keys.publicKey, 'decrypt');
      const w = fromBase64url(entry.w);
      const contentKey = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: w.slice(0, NONCE_BYTES), additionalData },
        wrap,
        w.slice(NONCE_BYTES),
      );
      const content = await crypto.subtle.importKey('raw', contentKey, 'AES-GCM', false, ['decrypt']);
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64url(box.n), additionalData },
        content,
        fromBase64url(box.c),
      );
      return new TextDecoder('utf-8', { fatal: true }).decode(plain);
    } catch {
      // Not ours (the other reader's wrap) or tampered: try the next.
    }
  }
  return null;
}
