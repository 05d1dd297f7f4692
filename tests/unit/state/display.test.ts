import { describe, expect, it } from 'vitest';
import { DisplayPrefs } from '../../../src/lib/state/display.svelte.ts';
import { formatItemLine } from '../../../src/lib/ui/format.ts';

describe('large text and high contrast', () => {
  it('is off at first and remembered on the device once chosen', () => {
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
    };
    const first = new DisplayPrefs(storage);
    expect(first.largeText).toBe(false);
    first.setLargeText(true);
    expect(new DisplayPrefs(storage).largeText).toBe(true);
    first.setLargeText(false);
    expect(new DisplayPrefs(storage).largeText).toBe(false);
  });
});

describe('item lines', () => {
  it('count by the language’s plural rules: 1 bottle, 2 bottles; Chinese has one form', () => {
    expect(formatItemLine({ item: 'cough-medicine', qty: 1 }, 'en')).toBe('Cough medicine × 1 bottle');
    expect(formatItemLine({ item: 'cough-medicine', qty: 2 }, 'en')).toBe('Cough medicine × 2 bottles');
    expect(formatItemLine({ item: 'paracetamol-500', qty: 1 }, 'en')).toBe('Paracetamol 500 mg tablets × 1 tablet');
    expect(formatItemLine({ item: 'cough-medicine', qty: 2 }, 'zh-Hant')).toBe('止咳藥 × 2 瓶');
  });
});
