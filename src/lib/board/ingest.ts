import type { BoardView } from '../domain/fold/board-fold.ts';
import { subjectOf, type AnyRecord } from '../domain/kinds/registry.ts';
import type { SharedRecords } from './records-map.ts';
import type { RetentionArbiter } from './retention.ts';
import type { Vault } from './vault.ts';
import type { Verifier } from './verifier.ts';

/** Records checked per slice before yielding to the event loop. */
export const INGEST_SLICE = 2000;

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
}

/** Sorts changed entries of the shared map into fresh, invalid, lost and returned records. */
export async function sortEntries(
  keys: readonly string[],
  map: SharedRecords,
  vault: Vault,
  verifier: Verifier,
  retention: RetentionArbiter,
  view: BoardView,
): Promise<IngestResult> {
  const result: IngestResult = { fresh: [], rejected: new Map(), lost: [], returned: [], erased: [] };
  await Promise.all(
    keys.map(async (key) => {
      const value = map.get(key);
      const known = vault.get(key);
      if (value === undefined) {
        if (known) result.lost.push(known);
        return;
      }
      // The verification cache: the exact stored form of a record already verified.
      if (known && map.holds(known)) return;
      const verdict = await verifier.verify(key, value, known !== undefined);
      if (verdict.valid) {
        const subject = subjectOf(verdict.record);
        if (verdict.record.kind !== 'erase' && subject !== null && view.isErased(subject))
          result.erased.push(verdict.record);
        else if (retention.isOfPrunedPost(verdict.record)) result.returned.push(verdict.record);
        else result.fresh.push(verdict.record);
      } else if (!verdict.known) {
        result.rejected.set(key, verdict.fingerprint);
        // A valid record overwritten with something else counts as deleted.
        if (known) result.lost.push(known);
      }
    }),
  );
  return result;
}
