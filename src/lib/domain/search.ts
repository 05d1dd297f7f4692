import { catalogueItem } from './catalogue.ts';
import { LOCALES } from './locale.ts';
import type { ItemLine, PostBody } from './kinds/post.ts';

/** Folds case, width and compatibility forms so 'ＡＢＣ', 'abc' and 'ABC' match. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * Splits a query into words. Chinese has no spaces, so the segmenter finds the words:
 * "孩子布洛芬" becomes "孩子" and "布洛芬", which then match a note in either order.
 */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(normalise(query))) {
    if (isWordLike) terms.push(segment);
  }
  return terms;
}

/** True when every word of the query appears in the text (already normalised). */
export function matchesQuery(haystack: string, query: string): boolean {
  const whole = normalise(query).trim();
  if (whole === '') return true;
  if (haystack.includes(whole)) return true;
  const terms = queryTerms(whole);
  return terms.length > 0 && terms.every((term) => haystack.includes(term));
}

const cache = new WeakMap<PostBody, string>();

/** The searchable text of a post: item names in all languages, descriptions, place and note. */
export function searchTextOf(body: PostBody): string {
  let text = cache.get(body);
  if (text === undefined) {
    const lines: ItemLine[] = [...body.items, ...(body.wants ?? [])];
    const parts = lines.flatMap((line) => [
      ...LOCALES.map((locale) => catalogueItem(line.item).name[locale]),
      line.text ?? '',
    ]);
    parts.push(body.where.building, body.note);
    text = normalise(parts.join('\n'));
    cache.set(body, text);
  }
  return text;
}
