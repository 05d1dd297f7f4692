import type { SealingKeys } from '../crypto/seal.ts';
import type { Identity } from '../crypto/signing.ts';
import type { AuthorKey, RoomId } from '../domain/ids.ts';
import { committed, openDatabase, request } from './idb.ts';
import type { MakeIdentity, RoomKeys, SquareKeys } from './square-keys.ts';

const DB = 'kaifong-identity';
const STORE = 'keys';
/** Where the one device key was kept before keys were per square. */
const LEGACY_KEY = 'device';
const roomKey = (room: RoomId) => `room:${room}`;
/** A room's encryption keys sit beside its signing key, in the same store. */
const sealKey = (room: RoomId) => `seal:${room}`;

/** Options of `openSquareKeys`. */
export interface SquareKeysOptions {
  /**
   * The squares this device joined while it had one device key: they keep signing with it, or
   * their residents (and founders) would lose their own posts and roles there.
   */
  readonly legacyRooms?: readonly RoomId[];
  readonly make?: MakeIdentity;
}

/**
 * This device's per-square keys in IndexedDB. CryptoKey objects are stored as they are
 * (structured clone). Moves a device key of an older
 * version to the squares it was used in, once.
 */
export async function openSquareKeys(options: SquareKeysOptions = {}): Promise<SquareKeys> {
  const db = await openDatabase(DB, [STORE]);
  await migrateDeviceKey(db, options.legacyRooms ?? []);
  return new IdbSquareKeys(db, options.make ?? makeIdentity);
}

/** A new key pair. NOTE: the signing code loads when a key is made (a new square), not with the first paint. */
async function makeIdentity(): Promise<Identity> {
  const { generateIdentity } = await import('../crypto/signing.ts');
  return generateIdentity();
}

class IdbSquareKeys implements SquareKeys {
  readonly #db: IDBDatabase;
  readonly #make: MakeIdentity;

  constructor(db: IDBDatabase, make: MakeIdentity) {
    this.#db = db;
    this.#make = make;
  }

  async identityFor(room: RoomId): Promise<Identity> {
    return (await this.#get(room)) ?? this.#keep(room, await this.#make());
  }

  async found(roomOf: (founder: AuthorKey) => Promise<RoomId>): Promise<{ room: RoomId; identity: Identity }> {
    const made = await this.#make();
    const room = await roomOf(made.author);
    return { room, identity: await this.#keep(room, made) };
  }

  async sealingFor(room: RoomId): Promise<SealingKeys> {
    const get = () => request(this.#db.transaction(STORE).objectStore(STORE).get(sealKey(room)));
    const kept = (await get()) as SealingKeys | undefined;
    if (kept) return kept;
    const { generateSealingKeys } = await import('../crypto/seal.ts');
    const made = await generateSealingKeys();
    const tx = this.#db.transaction(STORE, 'readwrite');
    // `add`: if another tab kept keys first, theirs are the room's.
    tx.objectStore(STORE).add(made, sealKey(room));
    try {
      await committed(tx);
      return made;
    } catch {
      const other = (await get()) as SealingKeys | undefined;
      if (!other) throw new Error('kaifong: no encryption key could be kept for this square');
      return other;
    }
  }

  async all(): Promise<RoomKeys[]> {
    const store = this.#db.transaction(STORE).objectStore(STORE);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    const sealing = new Map<string, SealingKeys>();
    keys.forEach((key, i) => {
      if (typeof key === 'string' && key.startsWith('seal:'))
        sealing.set(key.slice('seal:'.length), values[i] as SealingKeys);
    });
    return keys.flatMap((key, i) => {
      if (typeof key !== 'string' || !key.startsWith('room:')) return [];
      const room = key.slice('room:'.length) as RoomId;
      const kept = sealing.get(room);
      return [
        kept ? { room, identity: values[i] as Identity, sealing: kept } : { room, identity: values[i] as Identity },
      ];
    });
  }

  async restore(room: RoomId, identity: Identity, sealing?: SealingKeys): Promise<void> {
    const tx = this.#db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(identity, roomKey(room));
    if (sealing) tx.objectStore(STORE).put(sealing, sealKey(room));
    await committed(tx);
  }

  async forget(room: RoomId): Promise<void> {
    const tx = this.#db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(roomKey(room));
    tx.objectStore(STORE).delete(sealKey(room));
    await committed(tx);
  }

  async #get(room: RoomId): Promise<Identity | undefined> {
    return (await request(this.#db.transaction(STORE).objectStore(STORE).get(roomKey(room)))) as Identity | undefined;
  }

  async #keep(room: RoomId, identity: Identity): Promise<Identity> {
    const tx = this.#db.transaction(STORE, 'readwrite');
    // `add`, not `put`: if another tab (or call) kept one first, keep theirs.
    tx.objectStore(STORE).add(identity, roomKey(room));
    try {
      await committed(tx);
      return identity;
    } catch {
      const kept = await this.#get(room);
      if (!kept) throw new Error('kaifong: no key could be kept for this square');
      return kept;
    }
  }
}

/** Gives the old device key to each legacy room that has no key yet, and forgets it, in one transaction. */
function migrateDeviceKey(db: IDBDatabase, legacyRooms: readonly RoomId[]): Promise<void> {
  const tx = db.transaction(STORE, 'readwrite');
  const done = committed(tx);
  const store = tx.objectStore(STORE);
  const get = store.get(LEGACY_KEY);
  get.onsuccess = () => {
    const legacy = get.result as Identity | undefined;
    if (!legacy) return;
    for (const room of legacyRooms) {
      // `add`: a room opened since has a key of its own, and that one stays.
      const add = store.add(legacy, roomKey(room));
      add.onerror = (event) => {
        // Its ConstraintError must neither abort the transaction nor reach `committed`.
        event.preventDefault();
        event.stopPropagation();
      };
    }
    // NOTE: deleted, not kept for later squares: a new square signed with it would be linkable.
    store.delete(LEGACY_KEY);
  };
  return done;
}
