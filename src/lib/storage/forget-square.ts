import type { RoomId } from '../domain/ids.ts';
import { docDatabase, vaultDatabase } from './databases.ts';
import { deleteDatabase } from './idb.ts';

/** Deletes a room's document and vault from this device (the resident left the square). */
export async function deleteSquareDatabases(room: RoomId): Promise<void> {
  await Promise.all([deleteDatabase(docDatabase(room)), deleteDatabase(vaultDatabase(room))]);
}
