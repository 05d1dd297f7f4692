import { isLocale, pickLocale, type Locale } from '../domain/locale.ts';
import { FIRST_PAINT, joinMessages, LATER, type Messages } from './catalogues.ts';
import type { FirstPaintMessages } from './en.ts';
import type { LaterMessages } from './later/en.ts';

const STORAGE_KEY = 'kaifong.locale';

/** Endonyms for the language switcher: each language named in itself. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  'zh-Hant': '繁體中文',
  'zh-Hans': '简体中文',
};

/** The app language: chosen by the browser, overridden by the switcher and remembered. */
export class I18n {
  locale = $state<Locale>('en');
  /** The first paint's messages of `locale`: all that components in the first load may show. */
  t = $state.raw<FirstPaintMessages>() as FirstPaintMessages;
  #all = $state.raw<Messages | null>(null);
  #later: Promise<void> | null = null;
  readonly #relative = $derived(new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto', style: 'short' }));
  readonly #date = $derived(new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }));
  readonly #number = $derived(new Intl.NumberFormat(this.locale));
  readonly #kilobytes = $derived(
    new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }),
  );
  readonly #megabytes = $derived(
    new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 0 }),
  );

  private constructor(
    private readonly storage: Storage,
    locale: Locale,
    messages: FirstPaintMessages,
  ) {
    this.locale = locale;
    this.t = messages;
  }

  /** The language the browser or the switcher chose, its messages loaded. */
  static async open(storage: Storage, languages: readonly string[]): Promise<I18n> {
    const saved = storage.getItem(STORAGE_KEY);
    const locale = isLocale(saved) ? saved : pickLocale(languages);
    return new I18n(storage, locale, await FIRST_PAINT[locale]());
  }

  /** Every message of `locale`, for components loaded after the first paint through `withLater`. */
  get all(): Messages {
    if (!this.#all) throw new Error('kaifong: a later message was read before withLater() loaded it');
    return this.#all;
  }

  /** `component` (its code, loading), once the later messages it shows are loaded too. */
  async withLater<T>(component: Promise<T>): Promise<T> {
    this.#later ??= LATER[this.locale]().then((later) => {
      this.#all = joinMessages(this.t, later);
    });
    await this.#later;
    return component;
  }

  /** Switches language once its messages are loaded (the later ones too, if shown), and remembers the choice. */
  async setLocale(locale: Locale): Promise<void> {
    let later: Promise<LaterMessages> | null = null;
    if (this.#later) {
      await this.#later;
      later = LATER[locale]();
    }
    const [first, rest] = await Promise.all([FIRST_PAINT[locale](), later]);
    this.t = first;
    if (rest) {
      this.#all = joinMessages(first, rest);
      this.#later = Promise.resolve();
    }
    this.locale = locale;
    this.storage.setItem(STORAGE_KEY, locale);
  }

  /** "12 min ago", "昨天": how long ago something happened. */
  ago(ms: number): string {
    return this.#relativeTime(Math.max(0, ms), -1);
  }

  /** "in 2 hours", "2小時後": how long until something happens. */
  until(ms: number): string {
    return this.#relativeTime(Math.max(0, ms), 1);
  }

  #relativeTime(ms: number, sign: 1 | -1): string {
    const seconds = Math.round(ms / 1000);
    if (seconds < 45) return this.#relative.format(sign * seconds, 'second');
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return this.#relative.format(sign * minutes, 'minute');
    const hours = Math.round(minutes / 60);
    if (hours < 24) return this.#relative.format(sign * hours, 'hour');
    return this.#relative.format(sign * Math.round(hours / 24), 'day');
  }

  /** "3,200": a count in the reader's language. */
  number(value: number): string {
    return this.#number.format(value);
  }

  /** "420 kB", "3 MB": a size in the reader's language, in kilobytes below a megabyte. */
  size(bytes: number): string {
    return bytes < 1_000_000 ? this.#kilobytes.format(Math.max(1, bytes / 1000)) : this.megabytes(bytes);
  }

  /** "300 MB": a size in the reader's language. */
  megabytes(bytes: number): string {
    return this.#megabytes.format(bytes / 1_000_000);
  }

  /** A calendar date (YYYY-MM-DD) in the reader's language. */
  date(isoDate: string): string {
    const ms = Date.parse(`${isoDate}T00:00:00`);
    return Number.isNaN(ms) ? isoDate : this.#date.format(ms);
  }
}
