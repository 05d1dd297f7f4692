import type { Signed } from '../domain/envelope.ts';
import type { SignatureCheck } from './signing.ts';

/**
 * Checks the signatures of records, many at a time: in this thread (`InProcessSignatureVerifier`)
 * or in a pool of workers (`WorkerPoolVerifier`), so a newcomer's tens of thousands of records do
 * not hold the page while they are checked.
 */
export interface SignatureVerifier {
  /** The check of each record (as `verifyRecord` makes it), in the order given. Never rejects. */
  verify(records: readonly Signed[]): Promise<SignatureCheck[]>;
}

/**
 * Verifies in the calling thread: in Node and vitest, and in the page with `?verify=main`. NOTE:
 * the signing code loads with the first check, not with the first paint.
 */
export class InProcessSignatureVerifier implements SignatureVerifier {
  async verify(records: readonly Signed[]): Promise<SignatureCheck[]> {
    const { verifyRecord } = await import('./signing.ts');
    return Promise.all(records.map(verifyRecord));
  }
}
