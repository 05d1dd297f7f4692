import { getContext, setContext } from 'svelte';
import type { I18n } from '../i18n/i18n.svelte.ts';
import type { AppUpdate } from '../state/update.svelte.ts';

const I18N = Symbol('i18n');

/** The context map that makes the app's language available to every component (for `mount`). */
export function appContext(i18n: I18n): Map<symbol, unknown> {
  return new Map([[I18N, i18n]]);
}

/** The app's language and messages. */
export function useI18n(): I18n {
  return getContext<I18n>(I18N);
}

const UPDATE = Symbol('update');

/** Makes the app's pending update reachable from inside a modal dialog (which makes the rest inert). */
export function provideUpdate(update: AppUpdate): void {
  setContext(UPDATE, update);
}

/** The app's pending update, where App provided one. */
export function useUpdate(): AppUpdate | undefined {
  return getContext<AppUpdate | undefined>(UPDATE);
}
