import * as Y from 'yjs';

/** Whether a document holds structs or deletions that wait for changes it has not seen. */
export function holdsPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

/**
 * Applies again the structs Yjs holds as pending, as its own retry does. NOTE: Yjs 13.6 retries
 * only once a client passes the clock it recorded as missing, and that clock can itself be
 * pending while what the rest waits for has long arrived: those structs would wait for good (a
 * five-update case is in tests/unit/doc-exchange.test.ts). What still waits is held again.
 */
export function retryPending(doc: Y.Doc, origin: unknown): void {
  const pending = doc.store.pendingStructs;
  if (pending === null) return;
  doc.store.pendingStructs = null;
  Y.applyUpdateV2(doc, pending.update, origin);
}
