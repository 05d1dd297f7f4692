import { roundedDistance } from '../../domain/geo.ts';
import type { Locale } from '../../domain/locale.ts';

/** A distance as the resident's language writes it: "120 m", "120 公尺", "1.2 km". */
export function formatDistance(m: number, locale: Locale): string {
  const { value, unit } = roundedDistance(m);
  return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}
