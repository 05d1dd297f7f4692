import { generateIdentity, type Identity } from '../crypto/signing.ts';
import type { AuthorKey, RoomId } from '../domain/ids.ts';

/**
 * This device's signing keys, one per square: a resident in two squares signs with two unrelated
 * keys, so the members of one cannot tell that the same person is in the other.
 */
export interface SquareKeys {
  /** The key this device signs with in a room: the one kept for it, or a new one kept on first use. */
  identityFor(room: RoomId): Promise<Identity>;
  /**
   * A new key for a square being founded, kept under the room that `roomOf` derives from its
   * public key (the room is bound to its founder, so the key comes first).
   */
  found(roomOf: (founder: AuthorKey) => Promise<RoomId>): Promise<{ room: RoomId; identity: Identity }>;
  /** Every room's key this device keeps, for an identity backup. */
  all(): Promise<{ room: RoomId; identity: Identity }[]>;
  /** Keeps a restored key for a room, in place of any key the room had on this device. */
  restore(room: RoomId, identity: Identity): Promise<void>;
}

/** Makes a new identity; tests may pass a deterministic one. */
export type MakeIdentity = () => Promise<Identity>;

/** Keys in memory, for tests: one instance is one device. */
export class InMemorySquareKeys implements SquareKeys {
  readonly #keys = new Map<RoomId, Identity>();
  readonly #make: MakeIdentity;

  constructor(make: MakeIdentity = generateIdentity) {
    this.#make = make;
  }

  async identityFor(room: RoomId): Promise<Identity> {
    const kept = this.#keys.get(room);
    if (kept) return kept;
    return this.#keep(room, await this.#make());
  }

  async found(roomOf: (founder: AuthorKey) => Promise<RoomId>): Promise<{ room: RoomId; identity: Identity }> {
    const made = await this.#make();
    const room = await roomOf(made.author);
    return { room, identity: this.#keep(room, made) };
  }

  all(): Promise<{ room: RoomId; identity: Identity }[]> {
    return Promise.resolve([...this.#keys].map(([room, identity]) => ({ room, identity })));
  }

  restore(room: RoomId, identity: Identity): Promise<void> {
    this.#keys.set(room, identity);
    return Promise.resolve();
  }

  /** Keeps a key unless the room has one already (a concurrent call made it first): that one wins. */
  #keep(room: RoomId, identity: Identity): Identity {
    const kept = this.#keys.get(room);
    if (kept) return kept;
    this.#keys.set(room, identity);
    return identity;
  }
}
