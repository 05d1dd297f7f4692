import type { RoomId } from '../domain/ids.ts';
import { deleteDatabase } from './idb.ts';

/** The IndexedDB database (y-indexeddb's) a room's document is kept in. */
export const docDatabase = (room: RoomId): string => `kaifong-doc-${room}`;

/** The IndexedDB database a room's vault is kept in. */
export const vaultDatabase = (room: RoomId): string => `kaifong-vault-${room}`;

/** Deletes a room's document and vault from this device (the resident left the square). */
export async function deleteSquareDatabases(room: RoomId): Promise<void> {
  await Promise.all([deleteDatabase(docDatabase(room)), deleteDatabase(vaultDatabase(room))]);
}
