import type { SignatureVerifier } from '../crypto/signature-verifier.ts';
import type { Clock } from '../domain/clock.ts';
import type { BoardFold } from '../domain/fold/board-fold.ts';
import { emptyChange, type FoldChange } from '../domain/fold/slice.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { BlockedRecords } from './blocks.ts';
import type { DeferredRecordsMap } from './deferred-map.ts';
import { INGEST_SLICE, INGEST_SLICE_MS, sortEntries } from './ingest.ts';
import type { RetentionArbiter } from './retention.ts';
import { VAULT_ORIGIN } from './schema.ts';
import type { Vault } from './vault.ts';
import { Verifier } from './verifier.ts';

/** The parts of a board that ingesting the shared document's changes reads and writes. */
export interface IngestHost {
  readonly map: DeferredRecordsMap;
  readonly vault: Vault;
  readonly fold: BoardFold;
  readonly retention: RetentionArbiter;
  readonly blocks: BlockedRecords;
  readonly clock: Clock;
  /** Stores and folds newly valid records. */
  accept(records: AnyRecord[]): void;
  /** Tells the board's listeners what changed. */
  notify(change: FoldChange): void;
  /** After each slice: what was seen as held (for blocks) and what to put back; then retention runs. */
  settle(held: readonly AnyRecord[], putBack: readonly AnyRecord[]): void;
}

/**
 * The board's intake from the shared document, once it follows one (Board.attach, which loads
 * this module after the list painted): changed keys are queued, their signatures checked ahead
 * by the verifier, and the queue drained slice after slice into the vault and the fold.
 */
export class Ingestion {
  readonly #host: IngestHost;
  readonly #verifier: Verifier;
  /** Keys of the shared map changed but not yet verified and folded: their worth is not known yet. */
  readonly #unjudged = new Set<string>();
  /** Keys changed and not taken by an ingest yet, in the order they changed. */
  readonly #queued = new Set<string>();
  #draining = false;
  #work: Promise<void> = Promise.resolve();

  constructor(host: IngestHost, rejected: ReadonlyMap<string, string>, signatures: SignatureVerifier) {
    this.#host = host;
    this.#verifier = new Verifier(rejected, signatures);
  }

  /** Entries found invalid, by key. */
  get rejectedCount(): number {
    return this.#verifier.rejectedCount;
  }

  /** What is being ingested now; settles once what was queued before has been. */
  get work(): Promise<void> {
    return this.#work;
  }

  /** Whether a key changed and is not judged yet. */
  isUnjudged(key: string): boolean {
    return this.#unjudged.has(key);
  }

  /** Forgets the keys not judged yet: the board follows another document. */
  forgetUnjudged(): void {
    this.#unjudged.clear();
  }

  /** Keys a peer changed: their signatures are checked at once, and they are queued to be folded. */
  changed(keys: ReadonlySet<string>): void {
    this.#checkAhead(keys);
    this.enqueue(keys);
  }

  /**
   * Starts checking the signatures of entries a peer changed, at once, while the board is still
   * folding earlier ones: the verifier (off this thread) is never left waiting for the fold.
   */
  #checkAhead(keys: ReadonlySet<string>): void {
    const { map, vault } = this.#host;
    const entries: [string, unknown][] = [];
    for (const key of keys) {
      const value = map.get(key);
      const known = vault.get(key);
      if (value !== undefined && !(known && map.holds(known))) entries.push([key, value]);
    }
    this.#verifier.checkAhead(entries);
  }

  enqueue(keys: ReadonlySet<string>): void {
    for (const key of keys) {
      this.#unjudged.add(key);
      // A key changed again while waiting goes once, with its latest value.
      this.#queued.delete(key);
      this.#queued.add(key);
    }
    if (this.#draining) return;
    this.#draining = true;
    // Batches are handled one after another so counts and restores never interleave.
    this.#work = this.#work.then(() => this.#drain()).catch((error: unknown) => console.error(error));
  }

  /**
   * Ingests what is queued, slice after slice, until nothing is. NOTE: keys that change while a
   * slice is checked (a transfer's pieces keep arriving) join the queue and go in the next slice
   * together, not one small batch per piece: fewer round trips to the verifier, fewer folds.
   */
  async #drain(): Promise<void> {
    const clock = this.#host.clock;
    try {
      let sliceStart = clock.now();
      for (let first = true; this.#queued.size > 0; first = false) {
        // NOTE: a big batch (a newcomer's first open) is handled in slices with a yield once
        // INGEST_SLICE_MS have passed, so the page stays responsive while tens of thousands of
        // records are checked, and a cold start's records, held already, go many slices a turn.
        if (!first && clock.now() - sliceStart >= INGEST_SLICE_MS) {
          await clock.yield();
          sliceStart = clock.now();
        }
        const keys: string[] = [];
        for (const key of this.#queued) {
          keys.push(key);
          if (keys.length === INGEST_SLICE) break;
        }
        for (const key of keys) this.#queued.delete(key);
        await this.#ingestSlice(keys);
      }
    } finally {
      this.#draining = false;
    }
  }

  async #ingestSlice(keys: readonly string[]): Promise<void> {
    const { map, vault, fold, retention, blocks } = this.#host;
    const { fresh, rejected, lost, returned, erased, junk, held, foreign } = await sortEntries(
      keys,
      map,
      vault,
      this.#verifier,
      retention,
      fold,
    );
    for (const key of keys) {
      this.#unjudged.delete(key);
      // Checked ahead but held or gone after all; a key changed again waits with its new check.
      if (!this.#queued.has(key)) this.#verifier.forget(key);
    }
    // A blocked key's records that a peer deleted stay deleted (blocks.ts puts them back on undo).
    const unblocked = lost.filter((record) => !blocks.isBlocked(record));
    const { putBack, accept, deleteAgain } = retention.arbitrate(unblocked, returned);
    this.#verifier.reject(rejected);
    vault.reject(rejected);
    if (deleteAgain.length > 0 || erased.length > 0 || junk.size > 0) {
      map.write(VAULT_ORIGIN, (w) => {
        // A peer that has not pruned yet sent back what we dropped: drop it again.
        for (const record of [...deleteAgain, ...erased]) w.delete(record.id);
        // Junk goes, so it stops riding along in every newcomer's download; unless the key
        // changed while it was checked (the new value has its own turn).
        for (const [key, value] of junk) if (map.get(key) === value) w.delete(key);
      });
    }
    fresh.push(...accept);
    if (foreign.length > 0) this.#host.notify(fold.addForeign(foreign));
    if (fresh.length > 0) this.#host.accept(fresh);
    else if (rejected.size > 0) this.#host.notify(emptyChange());
    this.#host.settle(held, putBack);
  }
}
