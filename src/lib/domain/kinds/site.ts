import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { SiteBody } from './site-body.ts';

export type { Building, PickupPoint, SiteBody } from './site-body.ts';

/** Bounds on one site, so a site record stays a few kilobytes on every device. */
export const SITE_LIMITS = {
  buildings: 200,
  points: 100,
  /** Corners of one building's outline. */
  corners: 64,
  /** The widest a compound may be: any two of its positions at most this far apart (metres). */
  spanM: 5_000,
  /** Digits after the decimal point of a coordinate: 7 is about 1 cm. */
  decimals: 7,
} as const;

/** How two names are told apart: posts name their building, so names must differ beyond case. */
export const placeKey = (name: string) => name.trim().toLocaleLowerCase('en');

export const EMPTY_SITE: SiteBody = { buildings: [], points: [] };

/** Rounds a coordinate to what a site record keeps (SITE_LIMITS.decimals). */
export function roundCoordinate(n: number): number {
  return Number(n.toFixed(SITE_LIMITS.decimals));
}

/**
 * The compound's map: its buildings as named outlines and its pickup points. Each record holds
 * the whole site, and the latest one the rules allow counts (NOTE: by design, two volunteers
 * editing at once keep the later edit, as with the square's name). Only the founder and volunteers
 * may draw it; every device judges that again when folding, so a resident's record is ignored.
 */
export const siteKind: KindRule<SiteBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) =>
    authority.canModerate(record.author) ? ALLOWED : refused('not-volunteer'),
};
