import type { SignedRecord } from '../domain/kinds/registry.ts';

/**
 * Records are stored in the shared map as JSON text, not as nested Yjs values: text decodes far
 * faster when a large document loads, and compares with the vault's copy in one string equality.
 */
export function storedForm(record: SignedRecord): string {
  const { v, kind, author, at, body, sig } = record;
  return JSON.stringify({ v, kind, author, at, body, sig });
}

/** The JSON value of an entry of the shared map; undefined when it is not JSON text. */
export function parseStoredForm(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
