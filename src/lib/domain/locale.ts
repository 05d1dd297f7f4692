/** The languages Kaifong speaks. */
export const LOCALES = ['en', 'zh-Hant', 'zh-Hans'] as const;
export type Locale = (typeof LOCALES)[number];

/** Text in every supported language. */
export type Localized = Readonly<Record<Locale, string>>;

/** Picks the app language from the browser's preferred languages. */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('zh')) {
      if (lower.startsWith('en')) return 'en';
      continue;
    }
    // An explicit script subtag wins over the region: zh-Hans-HK is Simplified.
    if (/-hant\b/.test(lower)) return 'zh-Hant';
    if (/-hans\b/.test(lower)) return 'zh-Hans';
    if (/-(hk|tw|mo)\b/.test(lower)) return 'zh-Hant';
    if (/-(cn|sg|my)\b/.test(lower) || lower === 'zh') return 'zh-Hans';
  }
  return 'en';
}

/** True when a string names one of our locales. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
