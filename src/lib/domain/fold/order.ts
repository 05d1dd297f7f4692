import type { Hlc } from '../hlc.ts';
import type { RecordId } from '../ids.ts';

/** The order every device gives competing records: by timestamp, then by id. */
export function byTimeThenId(a: { at: Hlc; id: RecordId }, b: { at: Hlc; id: RecordId }): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Whether a candidate comes after the current record (or there is none). */
export function later<T extends { at: Hlc; id: RecordId }>(candidate: T, current: T | undefined): boolean {
  return current === undefined || byTimeThenId(candidate, current) > 0;
}

/** The latest of some records, by the order above. */
export function latest<T extends { at: Hlc; id: RecordId }>(records: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const record of records) if (later(record, best)) best = record;
  return best;
}
