import type { Authority } from '../authority.ts';
import type { RoomId } from '../ids.ts';
import type { AnyRecord, VerifiedRecord } from '../kinds/registry.ts';
import { KINDS } from '../kinds/registry.ts';
import { byTimeThenId } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

export type MoveRecord = VerifiedRecord<'move'>;

/**
 * Moves of the square to a new link, by the room each leaves: the earliest move the authority
 * allows (a member's forged move is ignored). Records travel with the square, so a room holds the
 * moves away from the rooms before it too; only the one naming a room says that room has moved.
 * NOTE: the earliest, not the latest: devices that followed a first move are not stranded by a
 * second one signed concurrently on another of the founder's devices.
 */
export class MovesSlice implements FoldSlice {
  readonly kinds = ['move'] as const;
  readonly #records: MoveRecord[] = [];
  #current = new Map<RoomId, MoveRecord>();
  #dirty = false;

  add(record: AnyRecord): void {
    if (record.kind !== 'move') return;
    this.#records.push(record);
    this.#dirty = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    const next = new Map<RoomId, MoveRecord>();
    const allowed = this.#records.filter((r) => KINDS.move.authorise(r, undefined, authority).ok);
    for (const record of allowed.sort(byTimeThenId))
      if (!next.has(record.body.from)) next.set(record.body.from, record);
    const same = next.size === this.#current.size && [...next].every(([room, r]) => this.#current.get(room) === r);
    this.#current = next;
    if (!same) change.square = true;
  }

  rejectedCount(authority: Authority): number {
    return this.#records.filter((r) => !KINDS.move.authorise(r, undefined, authority).ok).length;
  }

  /** The move that took the square away from this room, if the founder moved it. */
  from(room: RoomId): MoveRecord | undefined {
    return this.#current.get(room);
  }
}
