import type { RoomId } from '../domain/ids.ts';
import { docDatabase, isDocDatabaseOf, vaultDatabase } from './databases.ts';
import { deleteDatabase } from './idb.ts';

/** Deletes a room's documents (of every epoch) and vault from this device (the resident left the square). */
export async function deleteSquareDatabases(room: RoomId): Promise<void> {
  // Later epochs' documents are found by name where the browser lists its databases.
  const listed = (await indexedDB.databases?.().catch(() => [])) ?? [];
  const docs = new Set([
    docDatabase(room),
    ...listed.flatMap(({ name }) => (name && isDocDatabaseOf(room, name) ? [name] : [])),
  ]);
  await Promise.all([...docs, vaultDatabase(room)].map(deleteDatabase));
}
