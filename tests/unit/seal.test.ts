import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportSealingKey,
  generateSealingKeys,
  importSealingKeys,
  openBox,
  seal,
  type SealAlgorithm,
  type SealingKeys,
} from '../../src/lib/crypto/seal.ts';
import * as v from 'valibot';
import { MESSAGE_LIMITS, SealedBoxSchema, type SealedBox } from '../../src/lib/domain/kinds/message.ts';

const AAD = 'post|sender|recipient';
const LINE = 'Flat 12B, call 9123 4567: I have two boxes of 兒童退燒藥';

/** Flips one character of a base64url string, keeping it well-formed. */
function flip(text: string, at: number): string {
  const c = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + c + text.slice(at + 1);
}

const algorithms: SealAlgorithm[] = ['x25519', 'p256'];

describe.each(algorithms)('sealing with %s keys', (algorithm) => {
  let sender: SealingKeys;
  let recipient: SealingKeys;
  let third: SealingKeys;
  let box: SealedBox;
  beforeAll(async () => {
    [sender, recipient, third] = await Promise.all([
      generateSealingKeys(algorithm),
      generateSealingKeys(algorithm),
      generateSealingKeys(algorithm),
    ]);
    box = await seal(LINE, [recipient.publicKey, sender.publicKey], AAD);
  });

  it('names its public key by algorithm', () => {
    expect(recipient.publicKey.startsWith(`${algorithm}:`)).toBe(true);
  });

  it('opens for the recipient and for the sender, and the box fits the record schema', async () => {
    expect(await openBox(box, recipient, AAD)).toBe(LINE);
    expect(await openBox(box, sender, AAD)).toBe(LINE);
    expect(v.safeParse(SealedBoxSchema, box).success).toBe(true);
    expect(JSON.stringify(box)).not.toContain('9123');
  });

  it('does not open for a third key', async () => {
    expect(await openBox(box, third, AAD)).toBeNull();
  });

  it('does not open when copied into another record (other post, sender or recipient)', async () => {
    expect(await openBox(box, recipient, 'post|someone-else|recipient')).toBeNull();
  });

  it('fails cleanly when the ciphertext, its nonce or a wrapped key is tampered with', async () => {
    const tampered: SealedBox[] = [
      { ...box, c: flip(box.c, 5) },
      { ...box, n: flip(box.n, 3) },
      { ...box, k: box.k.map((entry) => ({ ...entry, w: flip(entry.w, 20) })) },
      { ...box, k: [{ ...box.k[0]!, e: third.publicKey }] },
      { ...box, c: box.c.slice(0, -4) },
    ];
    for (const bad of tampered) {
      await expect(openBox(bad, recipient, AAD)).resolves.toBeNull();
      await expect(openBox(bad, sender, AAD)).resolves.toBeNull();
    }
  });

  it('is restored from its private key, and refuses a private key of another public key', async () => {
    const pkcs8 = new Uint8Array(await exportSealingKey(recipient));
    const restored = await importSealingKeys(recipient.publicKey, pkcs8);
    expect(await openBox(box, restored, AAD)).toBe(LINE);
    await expect(importSealingKeys(third.publicKey, pkcs8)).rejects.toThrow();
  });

  it('keeps a 1,000-character message within the sealed-size bound', async () => {
    const longest = '𠀀'.repeat(MESSAGE_LIMITS.text);
    const sealed = await seal(JSON.stringify({ text: longest, ack: [] }), [recipient.publicKey, sender.publicKey], AAD);
    expect(v.safeParse(SealedBoxSchema, sealed).success).toBe(true);
  });
});

describe('sealing across key types', () => {
  it('seals to an X25519 recipient from a P-256 sender, and each opens its own wrap', async () => {
    const [sender, recipient] = await Promise.all([generateSealingKeys('p256'), generateSealingKeys('x25519')]);
    const box = await seal(LINE, [recipient.publicKey, sender.publicKey], AAD);
    expect(await openBox(box, recipient, AAD)).toBe(LINE);
    expect(await openBox(box, sender, AAD)).toBe(LINE);
  });

  it('prefers X25519 where the runtime has it', async () => {
    expect((await generateSealingKeys()).publicKey.startsWith('x25519:')).toBe(true);
  });
});
