import type { RecordId } from '../domain/ids.ts';

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
  /** The check of each entry (as check-entry.ts makes it), in the order given. Never rejects. */
  verify(texts: readonly string[]): Promise<EntryCheck[]>;
  /**
   * Gets ready to check, so the first entries a peer sends are not kept waiting: loads the
   * checking code, and starts the workers of a pool. Called when the board starts following the
   * shared document, before any peer connects. Never rejects.
   */
  prepare(): void;
}

/**
 * Verifies in the calling thread: in Node and vitest, and in the page with `?verify=main`. NOTE:
 * the checking code (signing, the schemas) loads with the first check, not with the first paint.
 */
export class InProcessSignatureVerifier implements SignatureVerifier {
  async verify(texts: readonly string[]): Promise<EntryCheck[]> {
    const { checkEntry } = await import('./check-entry.ts');
    return Promise.all(texts.map(checkEntry));
  }

  prepare(): void {
    import('./check-entry.ts').catch(() => undefined);
  }
}
