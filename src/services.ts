import { InProcessSignatureVerifier, type SignatureVerifier } from './lib/crypto/signature-verifier.ts';
import type { Clock } from './lib/domain/clock.ts';
import type { AppServices } from './lib/state/services.ts';
import type { DocLoadMode } from './lib/storage/doc-persistence.ts';
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

/** Where signatures are checked: a pool of workers, or the page's thread (`?verify=main`, for measuring). */
export type VerifyMode = 'workers' | 'main';

/** Workers checking entries. */
export const VERIFY_WORKERS = 2;

/**
 * Checks entries in a pool of workers: the page's thread only folds records. NOTE: two workers,
 * by measurement. Chromium runs a page's WebCrypto operations one after another whichever thread
 * asks (two workers verified 2 × 2,000 Ed25519 signatures no sooner than one worker 4,000), but
 * the workers also parse each entry and check its kind's schema and normal form, and that script
 * runs side by side: a newcomer's 50,000 records were folded 1.5–3 s sooner after the transfer
 * ended with two (bench, same machine, interleaved runs).
 */
export function signatureVerifier(mode: VerifyMode): SignatureVerifier {
  if (mode === 'main' || typeof Worker === 'undefined') return new InProcessSignatureVerifier();
  // NOTE: the pool loads with the first check (after the list painted): it is not part of the first load.
  let pool: Promise<SignatureVerifier> | null = null;
  const load = () =>
    import('./lib/crypto/verify-pool.ts').then(
      ({ WorkerPoolVerifier }) =>
        new WorkerPoolVerifier(
          () => new Worker(new URL('./lib/crypto/verify-worker.ts', import.meta.url), { type: 'module' }),
          VERIFY_WORKERS,
        ),
      // A pool that cannot load leaves the checking to this thread, as a failed worker does.
      () => new InProcessSignatureVerifier(),
    );
  return {
    verify: async (records) => (await (pool ??= load())).verify(records),
    prepare: () => void (pool ??= load()).then((loaded) => loaded.prepare()),
  };
}

/** The services of the app in a browser: WebRTC, IndexedDB, localStorage and the page's URL. */
export function browserServices(
  keys: SquareKeys,
  exchangeMode: ExchangeMode,
  signatures: SignatureVerifier,
  docLoad: DocLoadMode,
): AppServices {
  // NOTE: the signalling configuration (/config.json) is read with the network, after the list painted.
  let config: Promise<SyncConfig> | null = null;
  const loadConfig = () =>
    (config ??= import('./lib/sync/config.ts').then((module) => module.loadConfig(location, localStorage)));
  return {
    keys,
    clock: systemClock,
    signatures,
    storage: localStorage,
    location,
    openSquare(invite, keeper) {
      return {
        vault: new IdbVaultStore(invite.room),
        // NOTE: a dynamic import: yjs and the sync code load after the list painted from the vault.
        network: async (epoch) => {
          const [{ squareNetwork }, sync] = await Promise.all([import('./square-network.ts'), loadConfig()]);
          return squareNetwork(invite, keeper, sync, exchangeMode, docLoad, epoch);
        },
      };
    },
    async forgetSquare(room) {
      // NOTE: loaded when used: leaving a square is not part of the first load.
      const { deleteSquareDatabases } = await import('./lib/storage/forget-square.ts');
      await Promise.all([deleteSquareDatabases(room), keys.forget(room)]);
    },
    deviceStorage: typeof navigator.storage?.persist === 'function' ? navigator.storage : null,
    afterPaint: () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
    nextTask: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}
