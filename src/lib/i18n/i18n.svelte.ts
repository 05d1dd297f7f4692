import { isLocale, LOCALES, pickLocale, type Locale } from '../domain/locale.ts';
import type { DeskMessages } from './desk/en.ts';
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

/** The desk's and the figures' messages: only volunteers' desks and the figures need them, so they load with those. */
const DESK_CATALOGUES: Readonly<Record<Locale, () => Promise<DeskMessages>>> = {
  en: () => import('./desk/en.ts').then((m) => m.deskEn),
  'zh-Hant': () => import('./desk/zh-hant.ts').then((m) => m.deskZhHant),
  'zh-Hans': () => import('./desk/zh-hans.ts').then((m) => m.deskZhHans),
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
  /** The desk's messages in `locale`, once `loadDesk` loaded them; null before. */
  desk = $state.raw<DeskMessages | null>(null);
  #loadingDesk: Promise<void> | null = null;
  readonly #relative = $derived(new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto', style: 'short' }));
  readonly #date = $derived(new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }));
  readonly #number = $derived(new Intl.NumberFormat(this.locale));
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
    const [messages, desk] = await Promise.all([loadMessages(locale), this.desk ? DESK_CATALOGUES[locale]() : null]);
    this.t = messages;
    if (desk) this.desk = desk;
    this.locale = locale;
    this.storage.setItem(STORAGE_KEY, locale);
  }

  /** Loads the desk's messages in the current language, if they are not here yet. */
  loadDesk(): Promise<void> {
    this.#loadingDesk ??= this.#loadDesk();
    return this.#loadingDesk;
  }

  async #loadDesk(): Promise<void> {
    while (!this.desk) {
      const locale = this.locale;
      const desk = await DESK_CATALOGUES[locale]();
      // A language switch meanwhile: load that language's instead.
      if (!this.desk && this.locale === locale) this.desk = desk;
    }
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
