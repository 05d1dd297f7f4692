import { generateIdentity, type Identity } from '../crypto/signing.ts';
import { committed, openDatabase, request } from './idb.ts';

const DB = 'kaifong-identity';
const STORE = 'keys';
const KEY = 'device';

/**
 * This device's signing identity: loaded from IndexedDB, or made on first run. CryptoKey objects
 * are stored as they are (structured clone), so a non-extractable private key stays so.
 */
export async function loadOrCreateIdentity(): Promise<Identity> {
  const db = await openDatabase(DB, [STORE]);
  const existing = (await request(db.transaction(STORE).objectStore(STORE).get(KEY))) as Identity | undefined;
  if (existing) return existing;
  const identity = await generateIdentity();
  const tx = db.transaction(STORE, 'readwrite');
  // `add`, not `put`: if another tab made one first, keep theirs.
  tx.objectStore(STORE).add(identity, KEY);
  try {
    await committed(tx);
    return identity;
  } catch {
    return (await request(db.transaction(STORE).objectStore(STORE).get(KEY))) as Identity;
  }
}
