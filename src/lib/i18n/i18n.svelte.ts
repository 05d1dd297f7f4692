import { isLocale, LOCALES, pickLocale, type Locale } from '../domain/locale.ts';
import type { Messages } from './en.ts';

/**
 * Each language's messages, loaded when first shown: the first load carries the reader's language
 * only (the other two are a fifth of the app's code). The service worker keeps all three offline.
 */
const CATALOGUES: Readonly<Record<Locale, () => Promise<Messages>>> = {
  en: () => import('./en.ts').then((m) => m.en),
  'zh-Hant': () => import('./zh-hant.ts').then((m) => m.zhHant),
  'zh-Hans': () => import('./zh-hans.ts').then((m) => m.zhHans),
};

/** One language's messages. */
function loadMessages(locale: Locale): Promise<Messages> {
  return CATALOGUES[locale]();
}

/** Every language's messages, for what is shown in all three at once (the lobby poster). */
export async function allMessages(): Promise<Record<Locale, Messages>> {
  const loaded = await Promise.all(LOCALES.map(loadMessages));
  return Object.fromEntries(LOCALES.map((locale, i) => [locale, loaded[i]!])) as Record<Locale, Messages>;
}

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
  /** The messages of `locale`. */
  t = $state.raw<Messages>() as Messages;
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
    messages: Messages,
  ) {
    this.locale = locale;
    this.t = messages;
  }

  /** The language the browser or the switcher chose, its messages loaded. */
  static async open(storage: Storage, languages: readonly string[]): Promise<I18n> {
    const saved = storage.getItem(STORAGE_KEY);
    const locale = isLocale(saved) ? saved : pickLocale(languages);
    return new I18n(storage, locale, await loadMessages(locale));
  }

  /** Switches language once its messages are loaded, and remembers the choice. */
  async setLocale(locale: Locale): Promise<void> {
    const messages = await loadMessages(locale);
    this.t = messages;
    this.locale = locale;
    this.storage.setItem(STORAGE_KEY, locale);
  }

  /** "12 min ago", "昨天": how long ago something happened. */
  ago(ms: number): string {
    const seconds = Math.round(ms / 1000);
    if (seconds < 45) return this.#relative.format(-Math.max(0, seconds), 'second');
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return this.#relative.format(-minutes, 'minute');
    const hours = Math.round(minutes / 60);
    if (hours < 24) return this.#relative.format(-hours, 'hour');
    return this.#relative.format(-Math.round(hours / 24), 'day');
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
