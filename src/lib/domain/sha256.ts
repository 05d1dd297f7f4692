import { digest } from 'lib0/hash/sha256';
import { assert } from './assert.ts';

/**
 * SHA-256 of an ASCII text, in lowercase hex. Pure and synchronous (lib0's implementation), so
 * the fold can check a seed against its commitment and order a draw without WebCrypto, which is
 * asynchronous. NOTE: ASCII only (seeds are hex, keys base64url): the domain has no TextEncoder.
 */
export function sha256Hex(ascii: string): string {
  const bytes = new Uint8Array(ascii.length);
  for (let i = 0; i < ascii.length; i++) {
    const code = ascii.charCodeAt(i);
    assert(code < 0x80, 'sha256Hex hashes ASCII text only');
    bytes[i] = code;
  }
  let hex = '';
  for (const byte of digest(bytes)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
