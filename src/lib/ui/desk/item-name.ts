import { CATALOGUE_IDS, catalogueItem, type CatalogueId } from '../../domain/catalogue.ts';
import type { Locale } from '../../domain/locale.ts';

/** An item as the figures key it (domain/kinds/post.ts `lineKey`): its name, or "Other: description". */
export function itemKeyName(key: string, locale: Locale): string {
  if ((CATALOGUE_IDS as readonly string[]).includes(key)) return catalogueItem(key as CatalogueId).name[locale];
  return `${catalogueItem('other').name[locale]}: ${key.replace(/^other:/, '')}`;
}
