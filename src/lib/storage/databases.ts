import type { RoomId } from '../domain/ids.ts';

/** The IndexedDB database (y-indexeddb's) a room's document is kept in. */
export const docDatabase = (room: RoomId): string => `kaifong-doc-${room}`;

/** The IndexedDB database a room's vault is kept in. */
export const vaultDatabase = (room: RoomId): string => `kaifong-vault-${room}`;
