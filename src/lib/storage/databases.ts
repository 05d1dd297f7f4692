import type { RoomId } from '../domain/ids.ts';

/**
 * Where a room's document of an epoch is kept: epoch 0 (the square's first document) under the
 * name it always had, each later epoch under a name of its own.
 */
export function docName(room: RoomId, epoch = 0): string {
  return epoch === 0 ? room : `${room}~${epoch}`;
}

/** The IndexedDB database (y-indexeddb's) a room's document of an epoch is kept in. */
export const docDatabase = (room: RoomId, epoch = 0): string => `kaifong-doc-${docName(room, epoch)}`;

/** Whether a database holds one of the room's documents (of any epoch). */
export const isDocDatabaseOf = (room: RoomId, name: string): boolean =>
  name === docDatabase(room) || name.startsWith(`${docDatabase(room)}~`);

/** The IndexedDB database a room's vault is kept in. */
export const vaultDatabase = (room: RoomId): string => `kaifong-vault-${room}`;
