import type { SignatureVerifier } from '../crypto/signature-verifier.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { CopyEntry } from '../domain/square-copy.ts';
import { Verifier } from './verifier.ts';

/** What checking a file's records found: all genuine, or how many are not. */
export type CopyCheck =
  { readonly ok: true; readonly records: readonly AnyRecord[] } | { readonly ok: false; readonly forged: number };

/**
 * Checks every record of a file with the board's verifier (id, signature, schema), as a peer's
 * entries are checked. A file is taken whole or not at all: one record that is not what its
 * author signed means the file was tampered with, and nothing of it is used.
 */
export async function checkCopy(entries: readonly CopyEntry[], signatures: SignatureVerifier): Promise<CopyCheck> {
  const verifier = new Verifier(new Map(), signatures);
  // The verifier reads entries in their stored form: JSON text, as in the shared map.
  const verdicts = await verifier.verifyAll(entries.map((entry) => [entry.id, JSON.stringify(entry.record)] as const));
  const records = verdicts.flatMap((verdict) => (verdict.status === 'valid' ? [verdict.record] : []));
  // A record of a kind this version cannot read is genuine all the same (a newer version wrote
  // it): not a sign of tampering, just not merged here.
  const forged = verdicts.filter((verdict) => verdict.status === 'invalid').length;
  return forged === 0 ? { ok: true, records } : { ok: false, forged };
}
