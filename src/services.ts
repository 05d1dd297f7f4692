import type { Clock } from './lib/domain/clock.ts';
import type { AppServices } from './lib/state/services.ts';
import { IdbVaultStore } from './lib/storage/idb-vault-store.ts';
import type { SquareKeys } from './lib/storage/square-keys.ts';
import type { SyncConfig } from './lib/sync/config.ts';
import type { ExchangeMode } from './lib/sync/webrtc-transport.ts';

/** The browser's clock and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, task) {
    const timer = setTimeout(task, ms);
    return () => clearTimeout(timer);
  },
  every(ms, task) {
    const timer = setInterval(task, ms);
    return () => clearInterval(timer);
  },
  yield: () => new Promise((resolve) => setTimeout(resolve, 0)),
};

/** The services of the app in a browser: WebRTC, IndexedDB, localStorage and the page's URL. */
export function browserServices(keys: SquareKeys, config: SyncConfig, exchangeMode: ExchangeMode): AppServices {
  return {
    keys,
    clock: systemClock,
    storage: localStorage,
    location,
    openSquare(invite, keeper) {
      return {
        vault: new IdbVaultStore(invite.room),
        // NOTE: a dynamic import: yjs and the sync code load after the list painted from the vault.
        network: async (epoch) =>
          (await import('./square-network.ts')).squareNetwork(invite, keeper, config, exchangeMode, epoch),
      };
    },
    deviceStorage: typeof navigator.storage?.persist === 'function' ? navigator.storage : null,
    afterPaint: () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
  };
}
