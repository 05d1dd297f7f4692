/**
 * The app's services in memory, for testing state/ without a browser: a fake clock, an
 * InMemoryTransport per square, documents on an in-memory shelf, and vaults and per-square keys
 * that outlive a session, so a test can "reload" by building a new AppState on the same device.
 */
import * as Y from 'yjs';
import { InProcessSignatureVerifier } from '../../src/lib/crypto/signature-verifier.ts';
import type { Invite } from '../../src/lib/domain/invite.ts';
import type { AppServices, SquareNetwork } from '../../src/lib/state/services.ts';
import { InMemoryDocShelf, type DocPersistence } from '../../src/lib/storage/doc-persistence.ts';
import type { EpochOffer } from '../../src/lib/sync/doc-exchange.ts';
import { InMemorySquareKeys } from '../../src/lib/storage/square-keys.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { InMemoryTransport } from '../../src/lib/sync/transport.ts';
import { FakeClock } from './fake-clock.ts';

/** One device's storage, kept across reloads. */
export class TestDeviceStorage {
  readonly shelf: InMemoryDocShelf;
  readonly vaults: Map<string, InMemoryVaultStore>;
  readonly local: Map<string, string>;
  readonly keys = new InMemorySquareKeys();
  hash = '';

  constructor(synced?: TestDeviceStorage) {
    this.shelf = synced?.shelf ?? new InMemoryDocShelf();
    this.vaults = synced?.vaults ?? new Map();
    this.local = new Map(synced?.local);
    this.hash = synced?.hash ?? '';
  }

  /**
   * Another resident's device that already holds what this one stored (documents, vaults, the
   * list of squares and the open link), as if everything had synced, but with keys of its own.
   */
  anotherResident(): TestDeviceStorage {
    return new TestDeviceStorage(this);
  }
}

/** What a test can reach behind the services it handed to the app. */
export interface TestAppServices extends AppServices {
  readonly clock: FakeClock;
  readonly device: TestDeviceStorage;
  /** The services of each square opened, in order. */
  readonly opened: (SquareNetwork & {
    readonly vault: InMemoryVaultStore;
    readonly transport: InMemoryTransport;
    readonly invite: Invite;
  })[];
}

/** The services of one device; pass the same `device` again to reload it. */
export function inMemoryServices(clock: FakeClock, device = new TestDeviceStorage()): TestAppServices {
  const opened: TestAppServices['opened'] = [];
  return {
    keys: device.keys,
    clock,
    signatures: new InProcessSignatureVerifier(),
    device,
    opened,
    storage: {
      getItem: (key) => device.local.get(key) ?? null,
      setItem: (key, value) => void device.local.set(key, value),
      removeItem: (key) => void device.local.delete(key),
    },
    location: {
      get hash() {
        return device.hash;
      },
      set hash(value: string) {
        device.hash = value.startsWith('#') || value === '' ? value : `#${value}`;
      },
    },
    openSquare(invite) {
      let vault = device.vaults.get(invite.room);
      if (!vault) device.vaults.set(invite.room, (vault = new InMemoryVaultStore()));
      const store = vault;
      return {
        vault,
        network: (epoch) => {
          const services = new InMemorySquareNetwork(invite, store, device.shelf, epoch?.epoch ?? 0);
          opened.push(services);
          return Promise.resolve(services);
        },
      };
    },
    async forgetSquare(room) {
      device.shelf.delete(room);
      device.vaults.delete(room);
      await device.keys.forget(room);
    },
    afterPaint: () => Promise.resolve(),
    nextTask: () => Promise.resolve(),
  };
}

/** A square's network on a test device: documents on the device's shelf, per epoch; no peers. */
class InMemorySquareNetwork implements SquareNetwork {
  doc = new Y.Doc();
  persistence: DocPersistence;
  readonly transport = new InMemoryTransport();
  #epoch: number;
  #next: { doc: Y.Doc; persistence: DocPersistence } | null = null;

  constructor(
    readonly invite: Invite,
    readonly vault: InMemoryVaultStore,
    readonly shelf: InMemoryDocShelf,
    epoch: number,
  ) {
    this.#epoch = epoch;
    this.persistence = shelf.open(invite.room, this.doc, epoch);
  }

  get epoch(): number {
    return this.#epoch;
  }

  async fresh(epoch: number): Promise<Y.Doc> {
    const doc = new Y.Doc();
    const persistence = this.shelf.open(this.invite.room, doc, epoch);
    await persistence.load();
    this.#next = { doc, persistence };
    return doc;
  }

  async use(doc: Y.Doc, offer: EpochOffer): Promise<void> {
    const old = this.persistence;
    this.doc = doc;
    this.persistence = this.#next!.persistence;
    this.#epoch = offer.epoch;
    await old.erase();
  }

  /** No peer ever sends anything here. */
  received(): Promise<void> {
    return new Promise(() => undefined);
  }
}
