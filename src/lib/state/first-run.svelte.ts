/** Where it is remembered: localStorage in the browser. */
export type FirstRunStorage = Pick<Storage, 'getItem' | 'setItem'>;

const STORAGE_KEY = 'kaifong.intro-seen';

/**
 * The one-screen explanation of how a square works without a server: shown by itself until the
 * resident has read it ("Got it") or joined a square on this device, then only when asked for.
 */
export class FirstRun {
  /** Whether the explanation is on screen. */
  open = $state(false);
  /** Asked for again from the menu (shown even in a square the resident has joined). */
  again = $state(false);
  readonly #storage: FirstRunStorage;

  constructor(storage: FirstRunStorage) {
    this.#storage = storage;
    this.open = storage.getItem(STORAGE_KEY) === null;
  }

  /** "Got it": not shown by itself again. */
  dismiss(): void {
    this.open = false;
    this.again = false;
    this.#remember();
  }

  /** The resident is in a square they joined: the explanation has had its turn. */
  joined(): void {
    if (!this.again) this.open = false;
    this.#remember();
  }

  /** Shows it again ("How it works" in the menu). */
  show(): void {
    this.open = true;
    this.again = true;
  }

  #remember(): void {
    try {
      this.#storage.setItem(STORAGE_KEY, '1');
    } catch {
      // storage refused: it is shown again next time, which does no harm
    }
  }
}
