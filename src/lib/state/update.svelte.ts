/**
 * A new version of the app, waiting: shown as "Update available — Reload", applied only when the
 * resident asks, so nothing reloads under someone typing. The service worker's side is injected
 * by main.ts (vite-plugin-pwa's prompt mode).
 */
export class AppUpdate {
  available = $state(false);
  #apply: (() => Promise<void>) | null = null;

  /** A new version is installed and waiting; `apply` activates it and reloads the page. */
  offer(apply: () => Promise<void>): void {
    this.#apply = apply;
    this.available = true;
  }

  /** Reloads into the new version (drafts are kept as they are typed: state/drafts.ts). */
  async reload(): Promise<void> {
    await this.#apply?.();
  }
}
