import { parseEnvelope } from '../domain/envelope.ts';
import type { RecordId } from '../domain/ids.ts';
import { parseRecord } from '../domain/kinds/registry.ts';
import { verifyRecord } from './signing.ts';

/** What checking an entry of the shared map, as it is stored there (JSON text), found. */
export type EntryCheck =
  /** Signed under `id`, and its kind's schema holds: the text parses to exactly the record. */
  | { readonly status: 'valid'; readonly id: RecordId }
  /** Signed under `id`, but of a kind or a body this version cannot read (a newer version wrote it). */
  | { readonly status: 'foreign'; readonly id: RecordId }
  /**
   * Not a validly signed record: `junk` when certainly so on any device, not when signed with a
   * scheme this device cannot check.
   */
  | { readonly status: 'invalid'; readonly junk: boolean };

/**
 * Checks entries of the shared map, many at a time: in this thread (`InProcessSignatureVerifier`)
 * or in a pool of workers (`WorkerPoolVerifier`), so a newcomer's tens of thousands of records do
 * not hold the page while they are checked. Entries go as their JSON text: text crosses to a
 * worker far more cheaply than objects, and parsing and the kind's schema are done there too.
 */
export interface SignatureVerifier {
  /** The check of each entry (as `checkEntry` makes it), in the order given. Never rejects. */
  verify(texts: readonly string[]): Promise<EntryCheck[]>;
}

/**
 * Checks one entry as stored: JSON, the envelope, the signature and id, then its kind's schema
 * and normal form (domain/kinds/registry.ts). Never rejects.
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
  return { status: parseRecord(envelope.value).ok ? 'valid' : 'foreign', id: signature.id };
}

/** Verifies in the calling thread: in Node and vitest, and in the page with `?verify=main`. */
export class InProcessSignatureVerifier implements SignatureVerifier {
  verify(texts: readonly string[]): Promise<EntryCheck[]> {
    return Promise.all(texts.map(checkEntry));
  }
}
