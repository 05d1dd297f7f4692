import type { Clock } from '../domain/clock.ts';
import type { BoardFold } from '../domain/fold/board-fold.ts';
import type { PostId, RecordId } from '../domain/ids.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import { BlockedRecords } from './blocks.ts';
import type { DeferredRecordsMap } from './deferred-map.ts';
import { RestoreQueue } from './restores.ts';
import { RetentionArbiter } from './retention.ts';
import { LOCAL_ORIGIN, VAULT_ORIGIN } from './schema.ts';
import type { Vault } from './vault.ts';

/** The parts of a board its upkeep reads and writes. */
export interface UpkeepHost {
  readonly fold: BoardFold;
  readonly vault: Vault;
  readonly map: DeferredRecordsMap;
  readonly clock: Clock;
  /** Stores and folds records retention put back: they count again. */
  accept(records: AnyRecord[]): void;
}

/**
 * What keeps a board's records in order: retention (closed posts leave for good, records a peer
 * took away come back), a blocked key's records out of the shared map (and back on undo), and the
 * rate-limited restores. The first paint needs none of it: it loads with the late kinds.
 */
export class BoardUpkeep {
  readonly retention: RetentionArbiter;
  readonly blocks: BlockedRecords;
  readonly #restores: RestoreQueue;
  readonly #repairs: RestoreQueue;
  readonly #host: UpkeepHost;

  /** `pruned`: the ids the vault remembers as pruned, which never come back. */
  constructor(host: UpkeepHost, pruned: Iterable<string>) {
    this.#host = host;
    const { fold, vault, map, clock } = host;
    this.retention = new RetentionArbiter(fold, vault, map, () => clock.now(), pruned);
    this.blocks = new BlockedRecords(fold, vault, map);
    const putBack = (records: AnyRecord[]) =>
      map.write(VAULT_ORIGIN, (w) => records.forEach((record) => w.put(record)));
    this.#restores = new RestoreQueue(
      clock,
      putBack,
      (record) => !map.holds(record) && vault.get(record.id) !== undefined && !this.blocks.isBlocked(record),
    );
    this.#repairs = new RestoreQueue(clock, putBack, (record) => vault.get(record.id) !== undefined);
  }

  /** Lets go for good of records the fold dropped (an erased post's, a replaced site); returns how many. */
  dropForGood(ids: Iterable<RecordId>): number {
    const dropped = this.retention.dropForGood(ids);
    if (dropped.length > 0) this.#host.map.write(LOCAL_ORIGIN, (w) => dropped.forEach((id) => w.delete(id)));
    return dropped.length;
  }

  /** Puts back what retention let go of posts that changed and are no longer due for pruning. */
  reconcile(posts: ReadonlySet<PostId>): void {
    const { putBack, accept } = this.retention.reconcile(posts);
    if (putBack.length === 0) return;
    this.#host.map.write(VAULT_ORIGIN, (w) => putBack.forEach((record) => w.put(record)));
    if (accept.length > 0) this.#host.accept(accept);
  }

  /** Deletes from the map what blocked keys wrote; puts back what keys no longer blocked wrote. */
  sweepBlocks(seen: readonly AnyRecord[]): void {
    const { remove, putBack } = this.blocks.sweep(seen);
    if (remove.length > 0) this.#host.map.write(LOCAL_ORIGIN, (w) => remove.forEach((id) => w.delete(id)));
    const back = putBack.filter((record) => !this.retention.mayLose(record, new Set()));
    if (back.length > 0) this.#restores.add(back);
  }

  /** Puts records back into the shared map, rate-limited: valid records a peer's change took away. */
  restore(records: readonly AnyRecord[]): void {
    this.#restores.add(records);
  }

  /** Puts back records a peer's update would have deleted, rate-limited (Board.repair). */
  repair(records: readonly AnyRecord[]): void {
    this.#repairs.add(records);
  }

  /** Drops posts due for pruning from the shared map; what changed, or null if nothing was due. */
  pruneDue(
    nowMs: number,
  ): { readonly posts: number; readonly changed: ReadonlySet<PostId>; readonly ids: number } | null {
    const { pruned, changed, ids } = this.retention.pruneDue(nowMs);
    if (ids.length === 0) return null;
    this.#host.map.write(LOCAL_ORIGIN, (w) => ids.forEach((id) => w.delete(id)));
    return { posts: pruned.length, changed, ids: ids.length };
  }

  /** The live records among keys an update removes that neither retention nor a block lets go. */
  harmed(removed: ReadonlySet<string>): AnyRecord[] {
    const { vault, map } = this.#host;
    return [...removed].flatMap((key) => {
      const record = vault.get(key);
      return record && map.holds(record) && !this.retention.mayLose(record, removed) && !this.blocks.mayLose(record)
        ? [record]
        : [];
    });
  }

  stop(): void {
    this.#restores.stop();
    this.#repairs.stop();
  }
}
