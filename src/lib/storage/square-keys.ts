import type { SealingKeys } from '../crypto/seal.ts';
import { generateIdentity, type Identity } from '../crypto/signing.ts';
import type { AuthorKey, RoomId } from '../domain/ids.ts';

/** One room's keys on this device, as a backup carries them. */
export interface RoomKeys {
  readonly room: RoomId;
  readonly identity: Identity;
  /** Absent for a room whose resident never opened it since messages came. */
  readonly sealing?: SealingKeys;
}

/**
 * This device's keys, one set per square: a signing key, and the encryption key messages to the
 * resident are sealed to. A resident in two squares has two unrelated sets, so the members of one
 * cannot tell that the same person is in the other.
 */
export interface SquareKeys {
  /** The key this device signs with in a room: the one kept for it, or a new one kept on first use. */
  identityFor(room: RoomId): Promise<Identity>;
  /**
   * A new key for a square being founded, kept under the room that `roomOf` derives from its
   * public key (the room is bound to its founder, so the key comes first).
   */
  found(roomOf: (founder: AuthorKey) => Promise<RoomId>): Promise<{ room: RoomId; identity: Identity }>;
  /** The encryption keys of a room: the ones kept for it, or new ones kept on first use. */
  sealingFor(room: RoomId): Promise<SealingKeys>;
  /** Every room's keys this device keeps, for an identity backup. */
  all(): Promise<RoomKeys[]>;
  /** Keeps restored keys for a room, in place of any the room had on this device. */
  restore(room: RoomId, identity: Identity, sealing?: SealingKeys): Promise<void>;
  /** Deletes a room's keys from this device (the resident left the square): a new key if it is opened again. */
  forget(room: RoomId): Promise<void>;
}

/** Makes a new identity; tests may pass a deterministic one. */
export type MakeIdentity = () => Promise<Identity>;

/** Keys in memory, for tests: one instance is one device. */
export class InMemorySquareKeys implements SquareKeys {
  readonly #keys = new Map<RoomId, Identity>();
  readonly #sealing = new Map<RoomId, Promise<SealingKeys>>();
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

  sealingFor(room: RoomId): Promise<SealingKeys> {
    let kept = this.#sealing.get(room);
    // NOTE: the sealing code loads when first needed, out of the first load.
    if (!kept) this.#sealing.set(room, (kept = import('../crypto/seal.ts').then((s) => s.generateSealingKeys())));
    return kept;
  }

  async all(): Promise<RoomKeys[]> {
    return Promise.all(
      [...this.#keys].map(async ([room, identity]) => {
        const sealing = await this.#sealing.get(room);
        return sealing ? { room, identity, sealing } : { room, identity };
      }),
    );
  }

  restore(room: RoomId, identity: Identity, sealing?: SealingKeys): Promise<void> {
    this.#keys.set(room, identity);
    if (sealing) this.#sealing.set(room, Promise.resolve(sealing));
    return Promise.resolve();
  }

  forget(room: RoomId): Promise<void> {
    this.#keys.delete(room);
    this.#sealing.delete(room);
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
