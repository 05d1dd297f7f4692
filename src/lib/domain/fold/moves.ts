import type { RoomId } from '../ids.ts';
import { KINDS, type VerifiedRecord } from '../kinds/registry.ts';
import { AllowedSlice } from './allowed.ts';
import { byTimeThenId } from './order.ts';

export type MoveRecord = VerifiedRecord<'move'>;

type MovesByRoom = ReadonlyMap<RoomId, MoveRecord>;

/**
 * Moves of the square to a new link, by the room each leaves: the earliest move the authority
 * allows (a member's forged move is ignored). Records travel with the square, so a room holds the
 * moves away from the rooms before it too; only the one naming a room says that room has moved.
 * NOTE: the earliest, not the latest: devices that followed a first move are not stranded by a
 * second one signed concurrently on another of the founder's devices.
 */
export class MovesSlice extends AllowedSlice<'move', MovesByRoom> {
  constructor() {
    super('move', (record, authority) => KINDS.move.authorise(record, undefined, authority).ok, 'all', new Map());
  }

  protected decide(allowed: MoveRecord[]): MovesByRoom {
    const next = new Map<RoomId, MoveRecord>();
    for (const record of allowed.sort(byTimeThenId))
      if (!next.has(record.body.from)) next.set(record.body.from, record);
    return next;
  }

  protected same(a: MovesByRoom, b: MovesByRoom): boolean {
    return a.size === b.size && [...a].every(([room, record]) => b.get(room) === record);
  }

  /** The move that took the square away from this room, if the founder moved it. */
  from(room: RoomId): MoveRecord | undefined {
    return this.state.get(room);
  }
}
