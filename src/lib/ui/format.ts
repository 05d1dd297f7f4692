import { catalogueItem, type CatalogueId } from '../domain/catalogue.ts';
import type { Locale } from '../domain/locale.ts';
import type { ItemLine, PostBody } from '../domain/kinds/post.ts';

const PLURALS = new Map<Locale, Intl.PluralRules>();

/** "1 bottle", "2 bottles": the unit for a count, by the language's plural rules. */
export function unitFor(id: CatalogueId, count: number, locale: Locale): string {
  let rules = PLURALS.get(locale);
  if (!rules) PLURALS.set(locale, (rules = new Intl.PluralRules(locale)));
  const item = catalogueItem(id);
  return rules.select(count) === 'one' ? item.unitOne[locale] : item.unit[locale];
}

/** "Ibuprofen 200 mg tablets × 4 tablets", or the description of an "Other" item. */
export function formatItemLine(line: ItemLine, locale: Locale): string {
  const item = catalogueItem(line.item);
  const name = line.item === 'other' && line.text ? `${item.name[locale]}: ${line.text}` : item.name[locale];
  return `${name} × ${line.qty} ${unitFor(line.item, line.qty, locale)}`;
}

/** A short, stable handle for an author key without a profile. */
export function shortKey(author: string): string {
  return author.slice(author.indexOf(':') + 1, author.indexOf(':') + 7);
}

/** How an author is named: their profile name, else "Neighbour AbC123". */
export function authorLabel(name: string | undefined, author: string, neighbour: (key: string) => string): string {
  return name ?? neighbour(shortKey(author));
}

/** A post's items on one line, as its card's heading shows them. */
export function postHeadline(post: PostBody, locale: Locale): string {
  return post.items.map((line) => formatItemLine(line, locale)).join(', ');
}
