import type { RoomId } from '../domain/ids.ts';

/**
 * What this device keeps of a square in localStorage, one key per kind, so that leaving a
 * square finds every one of them here.
 */
export const ROOM_KEYS = {
  /** The New post draft. */
  draft: (room: RoomId) => `kaifong.draft.${room}`,
  /** When this device last synced there, and with how many neighbours. */
  contact: (room: RoomId) => `kaifong.contact.${room}`,
  /** Which messages were read. */
  read: (room: RoomId) => `kaifong.read.${room}`,
  /** The flat "Share my flat" offers. */
  flat: (room: RoomId) => `kaifong.flat.${room}`,
} as const;

/** Deletes everything this device keeps of a square in localStorage. */
export function forgetRoomStorage(storage: Pick<Storage, 'removeItem'>, room: RoomId): void {
  for (const keyOf of Object.values(ROOM_KEYS)) storage.removeItem(keyOf(room));
}
