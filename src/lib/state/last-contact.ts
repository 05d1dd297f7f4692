import type { RoomId } from '../domain/ids.ts';
import { ROOM_KEYS } from './room-storage.ts';

/** When this device last synced with neighbours in a square, and with how many. */
export interface LastContact {
  readonly atMs: number;
  readonly peers: number;
}

/** Where it is kept: localStorage, so an offline reload still knows (not "never synced"). */
export type ContactStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** A new contact is written at most this often while syncing goes on (it moves with every message). */
export const CONTACT_SAVE_MS = 5_000;

const keyOf = ROOM_KEYS.contact;

/** The last contact kept for a square, if any. */
export function loadContact(storage: ContactStorage, room: RoomId): LastContact | null {
  try {
    // NOTE: checked by hand, not with valibot: this module is in the first load.
    const kept = JSON.parse(storage.getItem(keyOf(room)) ?? 'null') as Partial<
      Record<keyof LastContact, unknown>
    > | null;
    if (typeof kept?.atMs !== 'number' || !Number.isInteger(kept.peers) || (kept.peers as number) < 1) return null;
    return { atMs: kept.atMs, peers: kept.peers as number };
  } catch {
    return null;
  }
}

/** The contact to keep after a status report, or null when the kept one is still good enough. */
export function nextContact(kept: LastContact | null, syncedMs: number | null, peers: number): LastContact | null {
  if (syncedMs === null) return null;
  const next = { atMs: syncedMs, peers: Math.max(1, peers || kept?.peers || 1) };
  if (kept && next.peers === kept.peers && next.atMs - kept.atMs < CONTACT_SAVE_MS) return null;
  return next;
}

export function saveContact(storage: ContactStorage, room: RoomId, contact: LastContact): void {
  try {
    storage.setItem(keyOf(room), JSON.stringify(contact));
  } catch {
    // storage refused: the status line still shows this session's contact
  }
}
