import { mount } from 'svelte';
import App from './App.svelte';
import { I18n } from './lib/i18n/i18n.svelte.ts';
import { AppState } from './lib/state/app.svelte.ts';
import { AppUpdate } from './lib/state/update.svelte.ts';
import { openSquareKeys } from './lib/storage/identity-store.ts';
import { listSquares } from './lib/storage/squares.ts';
import { appContext } from './lib/ui/context.ts';
import { browserServices, signatureVerifier } from './services.ts';
import './app.css';

// Composition root: the only place that wires the browser's globals into the app.
const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

/** How often an open page asks whether a new version was deployed (besides at each load). */
const UPDATE_CHECK_MS = 60 * 60_000;

// Prompt mode: a new version waits until the resident presses Reload; nothing reloads by itself.
// NOTE: loaded beside the first paint, not before it (workbox-window is not part of the first load).
const update = new AppUpdate();
void import('virtual:pwa-register').then(({ registerSW }) => {
  const applyUpdate = registerSW({
    immediate: true,
    onNeedRefresh: () =>
      update.offer(async () => {
        // NOTE: workbox-window reloads only for an update it found itself (its `controlling`
        // event's isUpdate); one found by the browser's own check would activate and never reload.
        navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
        await applyUpdate(true);
      }),
    onRegisteredSW: (_url, registration) => {
      if (registration) setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
  });
});

const i18n = await I18n.open(localStorage, navigator.languages);
try {
  // Squares joined before keys were per square keep the device key they were joined with.
  const legacyRooms = listSquares(localStorage).map((s) => s.invite.room);
  const keys = await openSquareKeys({ legacyRooms });
  // For measuring against them: y-webrtc's own exchange, verification on the page's thread, and
  // the stored document applied in one step.
  const search = new URLSearchParams(location.search);
  const exchangeMode = search.get('sync') === 'stock' ? 'stock' : 'chunked';
  const signatures = signatureVerifier(search.get('verify') === 'main' ? 'main' : 'workers');
  const docLoad = search.get('docload') === 'whole' ? 'whole' : 'pieces';
  const app = new AppState(browserServices(keys, exchangeMode, signatures, docLoad));
  window.addEventListener('hashchange', () => void app.followLocation());
  target.replaceChildren();
  mount(App, { target, props: { app, update }, context: appContext(i18n) });
  await app.resume();
} catch (error) {
  // Without storage or WebCrypto there are no keys and nothing can be signed.
  console.error('kaifong: could not start', error);
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = i18n.t.loadFailed;
  target.replaceChildren(message);
}
