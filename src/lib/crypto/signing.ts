import type { AuthorKey, RecordId } from '../domain/ids.ts';
import { signingText, type Signed, type Unsigned } from '../domain/envelope.ts';
import type { UnsignedRecord, VerifiedRecord } from '../domain/kinds/registry.ts';
import { fromBase64url, toBase64url } from './base64url.ts';

/** The signature schemes an author key may use; Ed25519 where the browser has it. */
export type SigningAlgorithm = 'ed25519' | 'p256';

/** WebCrypto parameters of each scheme: records and signalling envelopes sign alike. */
export const SIGNING_PARAMS = {
  ed25519: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  p256: {
    key: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
  },
} as const;

/**
 * A device's signing identity. NOTE: the private key is extractable, by design, so its resident
 * can back it up to a passphrase-protected file (crypto/identity-backup.ts) and keep their posts
 * and roles on a new phone; SECURITY.md weighs this against script injection on the origin.
 */
export interface Identity {
  readonly author: AuthorKey;
  readonly algorithm: SigningAlgorithm;
  readonly privateKey: CryptoKey;
}

/**
 * Makes a key pair: Ed25519, or ECDSA P-256 where Ed25519 is missing. The public half is named
 * `algorithm:base64url(raw)`, as author keys and signalling peer ids are.
 */
export async function generateKeyPair(
  extractable: boolean,
): Promise<{ readonly name: string; readonly algorithm: SigningAlgorithm; readonly privateKey: CryptoKey }> {
  for (const algorithm of ['ed25519', 'p256'] as const) {
    try {
      const pair = (await crypto.subtle.generateKey(SIGNING_PARAMS[algorithm].key, extractable, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
      return { name: `${algorithm}:${toBase64url(raw)}`, algorithm, privateKey: pair.privateKey };
    } catch (error) {
      if (algorithm === 'p256') throw error;
    }
  }
  throw new Error('unreachable');
}

/** Makes a new identity; its key is extractable so it can be backed up (see Identity). */
export async function generateIdentity(): Promise<Identity> {
  const { name, algorithm, privateKey } = await generateKeyPair(true);
  return { author: name as AuthorKey, algorithm, privateKey };
}

/** Imports a private key from PKCS #8 (a restored backup); checks that it signs for `author`. */
export async function importIdentity(author: AuthorKey, pkcs8: Uint8Array<ArrayBuffer>): Promise<Identity> {
  const algorithm = author.split(':')[0] as SigningAlgorithm;
  if (!(algorithm in SIGNING_PARAMS)) throw new Error('unknown key algorithm');
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, SIGNING_PARAMS[algorithm].key, true, ['sign']);
  const probe = encoder.encode('kaifong identity check');
  const signature = await crypto.subtle.sign(SIGNING_PARAMS[algorithm].sign, privateKey, probe);
  const ok = await crypto.subtle.verify(SIGNING_PARAMS[algorithm].sign, await importAuthor(author), signature, probe);
  if (!ok) throw new Error('the private key does not belong to this author');
  return { author, algorithm, privateKey };
}

/** The content-derived id of a record: the first 128 bits of SHA-256 over its signed bytes. */
export function recordId(record: Unsigned): Promise<RecordId> {
  return idOf(encoder.encode(signingText(record)));
}

async function idOf(bytes: Uint8Array<ArrayBuffer>): Promise<RecordId> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return toBase64url(new Uint8Array(digest, 0, 16)) as RecordId;
}

/** Signs a record with this device's identity. */
export async function signRecord(record: UnsignedRecord, identity: Identity): Promise<VerifiedRecord> {
  const bytes = encoder.encode(signingText(record));
  const [signature, id] = await Promise.all([
    crypto.subtle.sign(SIGNING_PARAMS[identity.algorithm].sign, identity.privateKey, bytes),
    idOf(bytes),
  ]);
  return { ...record, sig: toBase64url(signature), id };
}

const encoder = new TextEncoder();

const publicKeys = new Map<AuthorKey, Promise<CryptoKey>>();

function importAuthor(author: AuthorKey): Promise<CryptoKey> {
  let key = publicKeys.get(author);
  if (!key) {
    const [algorithm, encoded] = author.split(':') as [SigningAlgorithm, string];
    key = crypto.subtle.importKey('raw', fromBase64url(encoded), SIGNING_PARAMS[algorithm].key, false, ['verify']);
    publicKeys.set(author, key);
  }
  return key;
}

/**
 * What checking a record's signature found: its id, a signature that does not hold (or a
 * malformed key), or a scheme this device cannot check.
 */
export type SignatureCheck =
  { readonly valid: true; readonly id: RecordId } | { readonly valid: false; readonly checked: boolean };

/**
 * Verifies the signature of a parsed envelope, of any kind (a kind this version does not know
 * is still signed like every other). Never rejects.
 */
export async function verifyRecord(record: Signed): Promise<SignatureCheck> {
  try {
    const algorithm = record.author.split(':')[0] as SigningAlgorithm;
    const key = await importAuthor(record.author);
    // NOTE: the signed text is made once, and hashed for the id while the signature is checked:
    // a newcomer checks tens of thousands of records, and canonical JSON is most of the script's share.
    const bytes = encoder.encode(signingText(record));
    const [ok, id] = await Promise.all([
      crypto.subtle.verify(SIGNING_PARAMS[algorithm].sign, key, fromBase64url(record.sig), bytes),
      idOf(bytes),
    ]);
    return ok ? { valid: true, id } : { valid: false, checked: true };
  } catch (error) {
    publicKeys.delete(record.author);
    // NOTE: a scheme this browser lacks (Ed25519 in an older one) proves nothing about the
    // record: a device that can check it may hold it as valid, so it is not called junk here.
    return { valid: false, checked: !(error instanceof DOMException && error.name === 'NotSupportedError') };
  }
}
