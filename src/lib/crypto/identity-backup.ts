import * as v from 'valibot';
import {
  AUTHOR_PATTERN,
  ID_128_PATTERN,
  SEAL_KEY_PATTERN,
  type AuthorKey,
  type RoomId,
  type SealKey,
} from '../domain/ids.ts';
import { fromBase64url, toBase64url } from './base64url.ts';
import { exportSealingKey, importSealingKeys, type SealingKeys } from './seal.ts';
import { importIdentity, type Identity } from './signing.ts';

/**
 * A resident's identity backup: each square's signing key and encryption key (so messages sealed
 * to them still open on the new phone), and the square's invite, so it is listed again, sealed with a key derived from a passphrase. PBKDF2-SHA-256 at OWASP's 2023
 * figure of 600,000 iterations, then AES-256-GCM; a wrong passphrase fails the GCM tag, so it is
 * told apart from a damaged file only as far as that is possible (both are "wrong-passphrase").
 */
export const BACKUP_FORMAT = 'kaifong-identity-backup';
export const PBKDF2_ITERATIONS = 600_000;
/** The shortest passphrase the form accepts. */
export const MIN_PASSPHRASE = 8;

/** One square's key in a backup. */
export interface BackedUpSquare {
  readonly room: RoomId;
  readonly identity: Identity;
  /** The encryption keys messages are sealed to; absent in backups made before messages. */
  readonly sealing?: SealingKeys;
  /** The square's invite fragment and name, to list it again on the new device. */
  readonly fragment?: string;
  readonly name?: string;
}

export type BackupOpenResult =
  | { readonly ok: true; readonly squares: BackedUpSquare[] }
  | { readonly ok: false; readonly reason: 'wrong-passphrase' | 'not-a-backup' };

const b64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/));
const FileSchema = v.strictObject({
  format: v.literal(BACKUP_FORMAT),
  v: v.literal(1),
  kdf: v.strictObject({
    name: v.literal('PBKDF2'),
    hash: v.literal('SHA-256'),
    iterations: v.pipe(v.number(), v.integer(), v.minValue(PBKDF2_ITERATIONS), v.maxValue(10_000_000)),
    salt: b64,
  }),
  cipher: v.strictObject({ name: v.literal('AES-GCM'), iv: b64 }),
  data: b64,
});
const ContentSchema = v.array(
  v.strictObject({
    room: v.pipe(v.string(), v.regex(ID_128_PATTERN)),
    author: v.pipe(v.string(), v.regex(AUTHOR_PATTERN)),
    pkcs8: b64,
    seal: v.optional(v.strictObject({ key: v.pipe(v.string(), v.regex(SEAL_KEY_PATTERN)), pkcs8: b64 })),
    fragment: v.optional(v.pipe(v.string(), v.maxLength(2000))),
    name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
);

const encoder = new TextEncoder();

async function keyFrom(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Seals squares' keys into the text of a backup file. */
export async function sealBackup(squares: readonly BackedUpSquare[], passphrase: string): Promise<string> {
  const content = await Promise.all(
    squares.map(async (s) => ({
      room: s.room,
      author: s.identity.author,
      pkcs8: toBase64url(await crypto.subtle.exportKey('pkcs8', s.identity.privateKey)),
      ...(s.sealing
        ? { seal: { key: s.sealing.publicKey, pkcs8: toBase64url(await exportSealingKey(s.sealing)) } }
        : {}),
      ...(s.fragment ? { fragment: s.fragment } : {}),
      ...(s.name ? { name: s.name } : {}),
    })),
  );
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await keyFrom(passphrase, salt, PBKDF2_ITERATIONS);
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(JSON.stringify(content)));
  return JSON.stringify({
    format: BACKUP_FORMAT,
    v: 1,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: toBase64url(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64url(iv) },
    data: toBase64url(data),
  });
}

/** Opens a backup file's text with its passphrase. Never throws. */
export async function openBackup(text: string, passphrase: string): Promise<BackupOpenResult> {
  let file: v.InferOutput<typeof FileSchema>;
  try {
    const parsed = v.safeParse(FileSchema, JSON.parse(text));
    if (!parsed.success) return { ok: false, reason: 'not-a-backup' };
    file = parsed.output;
  } catch {
    return { ok: false, reason: 'not-a-backup' };
  }
  let plain: ArrayBuffer;
  try {
    const key = await keyFrom(passphrase, fromBase64url(file.kdf.salt), file.kdf.iterations);
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64url(file.cipher.iv) },
      key,
      fromBase64url(file.data),
    );
  } catch {
    return { ok: false, reason: 'wrong-passphrase' };
  }
  try {
    const content = v.parse(ContentSchema, JSON.parse(new TextDecoder().decode(plain)));
    const squares = await Promise.all(
      content.map(async (entry) => ({
        room: entry.room as RoomId,
        identity: await importIdentity(entry.author as AuthorKey, fromBase64url(entry.pkcs8)),
        ...(entry.seal
          ? { sealing: await importSealingKeys(entry.seal.key as SealKey, fromBase64url(entry.seal.pkcs8)) }
          : {}),
        ...(entry.fragment ? { fragment: entry.fragment } : {}),
        ...(entry.name ? { name: entry.name } : {}),
      })),
    );
    return { ok: true, squares };
  } catch {
    return { ok: false, reason: 'not-a-backup' };
  }
}
