import { catalogueItem } from '../../domain/catalogue.ts';
import type { ClaimState, OfferState } from '../../domain/fold/stock.ts';
import type { PickupPlace, StockResult } from '../../domain/kinds/message.ts';
import type { StockBody } from '../../domain/kinds/stock.ts';
import type { Locale } from '../../domain/locale.ts';
import { resultOf } from '../../domain/stock-result.ts';
import type { Messages } from '../../i18n/catalogues.ts';

const FORMATS = new Map<Locale, Intl.DateTimeFormat>();

/** "2 Dec, 10:00": a moment of a claim window or pickup slot, in the reader's language. */
function when(ms: number, locale: Locale): string {
  let format = FORMATS.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    FORMATS.set(locale, format);
  }
  return format.format(ms);
}

/** "2 Dec, 10:00 – 12:00": a claim window or pickup slot, the day said once when it is one day. */
export function span(from: number, until: number, locale: Locale): string {
  when(from, locale);
  return FORMATS.get(locale)!.formatRange(from, until);
}

const LISTS = new Map<Locale, Intl.ListFormat>();

/** "Pregnant, Elderly and Disability", "孕婦、長者和殘疾人士": a list in the reader's language. */
export function listOf(items: readonly string[], locale: Locale): string {
  let format = LISTS.get(locale);
  if (!format) LISTS.set(locale, (format = new Intl.ListFormat(locale, { type: 'conjunction' })));
  return format.format(items);
}

/** The offered item's name, or the description of an "other" item. */
export function stockItemName(body: Pick<StockBody, 'item' | 'text'>, locale: Locale): string {
  return body.item === 'other' && body.text ? body.text : catalogueItem(body.item).name[locale];
}

/** The value of a datetime-local input for a moment, in this device's time zone. */
export function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

type StockText = Messages['stock'];

/** "Lobby B, 2 Dec, 10:00 – 12:00", or delivery by a volunteer. */
export function placeText(t: StockText, place: PickupPlace, locale: Locale): string {
  return place === 'delivery' ? t.deliveryPlace : t.place(place.point, span(place.start, place.end, locale));
}

/** A household's result in the reader's language ("You got 5. Collect at …"). */
export function resultText(t: StockText, result: StockResult, locale: Locale): string {
  if (result.status === 'won')
    return result.place === 'delivery'
      ? t.result.wonDelivery(result.qty)
      : t.result.won(result.qty, placeText(t, result.place, locale));
  if (result.status === 'waiting') return t.result.waiting(result.position);
  return t.result['over-limit'];
}

/** Where a household's claim stands as the fold computes it, in the reader's language. */
export function claimText(t: StockText, offer: OfferState, claim: ClaimState, locale: Locale): string {
  const result = resultOf(offer, claim);
  if (result) return resultText(t, result, locale);
  return claim.status === 'won' || claim.status === 'waiting' ? '' : t.result[claim.status];
}
