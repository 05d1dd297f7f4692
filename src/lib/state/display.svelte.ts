/** Where the choice is kept: localStorage in the browser. */
export type DisplayStorage = Pick<Storage, 'getItem' | 'setItem'>;

const STORAGE_KEY = 'kaifong.large-text';

/**
 * Large text and high contrast, for residents who need it: remembered on this device. The
 * system's own "more contrast" setting applies the same look without it (app.css).
 */
export class DisplayPrefs {
  largeText = $state(false);
  readonly #storage: DisplayStorage;

  constructor(storage: DisplayStorage) {
    this.#storage = storage;
    this.largeText = storage.getItem(STORAGE_KEY) === '1';
  }

  setLargeText(on: boolean): void {
    this.largeText = on;
    this.#storage.setItem(STORAGE_KEY, on ? '1' : '0');
  }
}
