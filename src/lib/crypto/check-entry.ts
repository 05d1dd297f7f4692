import { parseBody } from '../domain/kinds/parse.ts';
import { parseEnvelope } from '../domain/parsing.ts';
import type { EntryCheck } from './signature-verifier.ts';
import { verifyRecord } from './signing.ts';

/**
 * Checks one entry as stored: JSON, the envelope, the signature and id, then its kind's schema
 * and normal form (domain/kinds/parse.ts). Never rejects.
 */
export async function checkEntry(text: string): Promise<EntryCheck> {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return { status: 'invalid', junk: true };
  }
  const envelope = parseEnvelope(input);
  if (!envelope.ok) return { status: 'invalid', junk: true };
  const signature = await verifyRecord(envelope.value);
  if (!signature.valid) return { status: 'invalid', junk: signature.checked };
  return { status: parseBody(envelope.value).ok ? 'valid' : 'foreign', id: signature.id };
}
