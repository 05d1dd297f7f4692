/**
 * The app's services in memory, for testing state/ without a browser: a fake clock, an
 * InMemoryTransport per square, documents on an in-memory shelf and vaults that outlive a
 * session, so a test can "reload" by building a new AppState on the same device.
 */
import * as Y from 'yjs';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { Invite } from '../../src/lib/domain/invite.ts';
import type { AppServices, SquareServices } from '../../src/lib/state/services.ts';
import { InMemoryDocShelf } from '../../src/lib/storage/doc-persistence.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { InMemoryTransport } from '../../src/lib/sync/transport.ts';
import { FakeClock } from './fake-clock.ts';

/** One device's storage, kept across reloads. */
export class TestDeviceStorage {
  readonly shelf = new InMemoryDocShelf();
  readonly vaults = new Map<string, InMemoryVaultStore>();
  readonly local = new Map<string, string>();
  hash = '';
}

/** What a test can reach behind the services it handed to the app. */
export interface TestAppServices extends AppServices {
  readonly clock: FakeClock;
  readonly device: TestDeviceStorage;
  /** The services of each square opened, in order. */
  readonly opened: (SquareServices & { readonly transport: InMemoryTransport; readonly invite: Invite })[];
}

export function inMemoryServices(
  identity: Identity,
  clock: FakeClock,
  device = new TestDeviceStorage(),
): TestAppServices {
  const opened: TestAppServices['opened'] = [];
  return {
    identity,
    clock,
    device,
    opened,
    storage: {
      getItem: (key) => device.local.get(key) ?? null,
      setItem: (key, value) => void device.local.set(key, value),
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
      const doc = new Y.Doc();
      let vault = device.vaults.get(invite.room);
      if (!vault) device.vaults.set(invite.room, (vault = new InMemoryVaultStore()));
      const services = {
        invite,
        doc,
        transport: new InMemoryTransport(),
        persistence: device.shelf.open(invite.room, doc),
        vault,
      };
      opened.push(services);
      return services;
    },
    afterPaint: () => Promise.resolve(),
  };
}
