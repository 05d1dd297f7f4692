import type { BoardView } from '../domain/fold/board-view.ts';
import type { ForeignRecord } from '../domain/fold/posts.ts';
import { subjectOf, type AnyRecord } from '../domain/kinds/registry.ts';
import type { SharedRecords } from './records-map.ts';
import type { RetentionArbiter } from './retention.ts';
import type { Vault } from './vault.ts';
import type { Verifier } from './verifier.ts';

/**
 * Records folded per slice before yielding to the event loop. NOTE: the fold of a slice is one
 * task: at 2,000 records it held the page for 0.2–1 s on a busy two-core machine while a
 * newcomer's 50,000 records were folded (signatures come from the worker faster than that).
 */
export const INGEST_SLICE = 500;
/** Slices run back to back until this long has passed, then the page gets a turn. */
export const INGEST_SLICE_MS = 25;

/** What one slice of entries of the shared map turned out to be. */
export interface IngestResult {
  /** Newly verified records, to fold. */
  readonly fresh: AnyRecord[];
  /** Entries found invalid, by key → fingerprint. */
  readonly rejected: Map<string, string>;
  /** Valid records this device holds that a peer deleted or overwrote. */
  readonly lost: AnyRecord[];
  /** Verified records of posts this device pruned: sent back by a peer, or late updates. */
  readonly returned: AnyRecord[];
  /** Records of posts their author erased, sent again: deleted again, never taken. */
  readonly erased: AnyRecord[];
  /** Entries that are certainly not validly signed records, by key → the value seen: removed. */
  readonly junk: Map<string, unknown>;
  /** Records this device holds that are still in the map as it holds them (not checked again). */
  readonly held: AnyRecord[];
  /** Validly signed records of kinds this version cannot read: they count toward their author's limits. */
  readonly foreign: ForeignRecord[];
}

/** Sorts changed entries of the shared map into fresh, invalid, junk, lost and returned records. */
export async function sortEntries(
  keys: readonly string[],
  map: SharedRecords,
  vault: Vault,
  verifier: Verifier,
  retention: RetentionArbiter,
  view: BoardView,
): Promise<IngestResult> {
  const result: IngestResult = {
    fresh: [],
    rejected: new Map(),
    lost: [],
    returned: [],
    erased: [],
    junk: new Map(),
    held: [],
    foreign: [],
  };
  const unchecked: [key: string, value: unknown][] = [];
  const knownBefore: (AnyRecord | undefined)[] = [];
  for (const key of keys) {
    const value = map.get(key);
    const known = vault.get(key);
    if (value === undefined) {
      if (known) result.lost.push(known);
    } else if (known && map.holds(known)) {
      // The verification cache: the exact stored form of a record already verified.
      result.held.push(known);
    } else {
      unchecked.push([key, value]);
      knownBefore.push(known);
    }
  }
  // One call for the whole slice, so the signatures are checked in batches (off this thread).
  const verdicts = await verifier.verifyAll(unchecked);
  unchecked.forEach(([key, value], i) => {
    const verdict = verdicts[i]!;
    const known = knownBefore[i];
    if (verdict.status === 'valid') {
      const subject = subjectOf(verdict.record);
      if (verdict.record.kind !== 'erase' && subject !== null && view.isErased(subject))
        result.erased.push(verdict.record);
      else if (retention.isOfPrunedPost(verdict.record)) result.returned.push(verdict.record);
      else result.fresh.push(verdict.record);
    } else if (verdict.status === 'foreign') {
      result.foreign.push(verdict.record);
    } else {
      // A valid record overwritten with something else counts as deleted (and is put back);
      // anything else that is not a validly signed record goes, so it stops travelling.
      if (verdict.junk && !known) result.junk.set(key, value);
      if (verdict.known) return;
      result.rejected.set(key, verdict.fingerprint);
      if (known) result.lost.push(known);
    }
  });
  return result;
}
