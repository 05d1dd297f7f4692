import { isLocale, pickLocale, type Locale } from '../domain/locale.ts';
import { en, type Messages } from './en.ts';
import { zhHans } from './zh-hans.ts';
import { zhHant } from './zh-hant.ts';

const MESSAGES: Readonly<Record<Locale, Messages>> = { en, 'zh-Hant': zhHant, 'zh-Hans': zhHans };
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
  readonly t: Messages = $derived(MESSAGES[this.locale]);
  readonly #relative = $derived(new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto', style: 'short' }));
  readonly #date = $derived(new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }));
  readonly #number = $derived(new Intl.NumberFormat(this.locale));
  readonly #megabytes = $derived(
    new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 0 }),
  );

  constructor(
    private readonly storage: Storage,
    languages: readonly string[],
  ) {
    const saved = storage.getItem(STORAGE_KEY);
    this.locale = isLocale(saved) ? saved : pickLocale(languages);
  }

  setLocale(locale: Locale): void {
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
