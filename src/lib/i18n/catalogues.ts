import { LOCALES, type Locale } from '../domain/locale.ts';
import type { FirstPaintMessages } from './en.ts';
import type { LaterMessages } from './later/en.ts';

/** Every message of a language: the first paint's and those of what loads after it. */
export type Messages = FirstPaintMessages & LaterMessages;

/**
 * Each language's messages, loaded when first shown, in two parts: the first load carries the
 * reader's language only, and of it only what the first paint shows (scripts/split-i18n.ts
 * decides which); the rest comes with the components that show it. The service worker keeps all
 * of them offline.
 */
export const FIRST_PAINT: Readonly<Record<Locale, () => Promise<FirstPaintMessages>>> = {
  en: () => import('./en.ts').then((m) => m.en),
  'zh-Hant': () => import('./zh-hant.ts').then((m) => m.zhHant),
  'zh-Hans': () => import('./zh-hans.ts').then((m) => m.zhHans),
};
export const LATER: Readonly<Record<Locale, () => Promise<LaterMessages>>> = {
  en: () => import('./later/en.ts').then((m) => m.enLater),
  'zh-Hant': () => import('./later/zh-hant.ts').then((m) => m.zhHantLater),
  'zh-Hans': () => import('./later/zh-hans.ts').then((m) => m.zhHansLater),
};

const isSection = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The two parts of a language joined: a section split between them (`trust`) gets both halves. */
export function joinMessages(first: FirstPaintMessages, later: LaterMessages): Messages {
  const all: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(later)) {
    const had = all[key];
    all[key] = isSection(had) && isSection(value) ? { ...had, ...value } : value;
  }
  return all as Messages;
}

async function loadAll(locale: Locale): Promise<Messages> {
  const [first, later] = await Promise.all([FIRST_PAINT[locale](), LATER[locale]()]);
  return joinMessages(first, later);
}

/** Every language's messages, for what is shown in all three at once (the lobby poster). */
export async function allMessages(): Promise<Record<Locale, Messages>> {
  const loaded = await Promise.all(LOCALES.map(loadAll));
  return Object.fromEntries(LOCALES.map((locale, i) => [locale, loaded[i]!])) as Record<Locale, Messages>;
}
