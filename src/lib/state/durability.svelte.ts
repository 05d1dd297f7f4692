/** The browser's storage manager, as far as the app uses it (`navigator.storage`). */
export interface DeviceStorage {
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
  estimate(): Promise<{ usage?: number; quota?: number }>;
}

/**
 * Whether the browser keeps this device's squares for good or may evict them under storage
 * pressure, and how much space they use. Persistence is asked for once a resident has joined a
 * square: before that there is nothing of theirs to keep, and browsers judge the request by it.
 */
export class Durability {
  /** null until known, or where the browser has no storage manager. */
  persisted = $state<boolean | null>(null);
  usageBytes = $state<number | null>(null);
  readonly #storage: DeviceStorage | null;
  #asked = false;

  constructor(storage: DeviceStorage | null) {
    this.#storage = storage;
  }

  /** Reads whether storage is persistent and how much is used. Never rejects. */
  async check(): Promise<void> {
    if (!this.#storage) return;
    try {
      const [persisted, estimate] = await Promise.all([this.#storage.persisted(), this.#storage.estimate()]);
      this.persisted = persisted;
      this.usageBytes = estimate.usage ?? null;
    } catch {
      // storage manager unavailable here (an insecure context, a private window)
    }
  }

  /** Asks for persistent storage, once per page; then reads the outcome. */
  async request(): Promise<void> {
    if (!this.#storage) return;
    if (!this.#asked) {
      this.#asked = true;
      try {
        if (!(await this.#storage.persisted())) await this.#storage.persist();
      } catch {
        // refused or unavailable: shown as "may be evicted"
      }
    }
    await this.check();
  }
}
