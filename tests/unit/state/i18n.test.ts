import { describe, expect, it } from 'vitest';
import { en as enFirst } from '../../../src/lib/i18n/en.ts';
import { I18n } from '../../../src/lib/i18n/i18n.svelte.ts';
import { enLater } from '../../../src/lib/i18n/later/en.ts';
import { en, zhHans, zhHant } from '../../support/messages.ts';

/** Every key path of a catalogue ("trust.members"), functions and arrays as leaves. */
function keyPaths(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? keyPaths(v as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('messages split by what the first paint shows', () => {
  it('joins a section split between the two parts (its keys from both)', () => {
    expect(enFirst.trust.members).toBe('Members');
    expect('members' in enLater.trust).toBe(false);
    expect(Object.keys(en.trust).length).toBe(Object.keys(enFirst.trust).length + Object.keys(enLater.trust).length);
    expect(en.trust.members).toBe('Members');
    expect(en.createHeading).toBe(enLater.createHeading);
  });

  it('has every message in every language, and none twice', () => {
    const keys = keyPaths(en).sort();
    expect(keyPaths(zhHant).sort()).toEqual(keys);
    expect(keyPaths(zhHans).sort()).toEqual(keys);
    expect(keys.length).toBe(keyPaths(enFirst).length + keyPaths(enLater).length);
  });

  it('loads the later messages with a component, and switches both parts with the language', async () => {
    const i18n = await I18n.open(memoryStorage(), ['en-GB']);
    expect(i18n.t.newPost).toBe('New post');
    expect(() => i18n.all).toThrow();
    const component = await i18n.withLater(Promise.resolve('the component'));
    expect(component).toBe('the component');
    expect(i18n.all.createHeading).toBe('Create a square');
    expect(i18n.all.newPost).toBe('New post');
    await i18n.setLocale('zh-Hant');
    expect(i18n.t.newPost).toBe(zhHant.newPost);
    expect(i18n.all.createHeading).toBe(zhHant.createHeading);
    expect(i18n.all.trust.members).toBe(zhHant.trust.members);
  });
});
