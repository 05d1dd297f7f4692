import * as v from 'valibot';
import { centreOf, distanceM, isSimpleRing, type LngLat } from '../geo.ts';
import { ALLOWED, refused } from '../reasons.ts';
import { LIMITS, nameText } from './fields.ts';
import type { KindSpec } from './kind.ts';

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

/** Latitudes beyond this cannot be drawn on a web map (Web Mercator). */
const MAX_LAT = 85;

const coordinate = (max: number) =>
  v.pipe(
    v.number('invalid'),
    v.finite('out-of-range'),
    v.minValue(-max, 'out-of-range'),
    v.maxValue(max, 'out-of-range'),
    v.check((n) => Number(n.toFixed(SITE_LIMITS.decimals)) === n, 'invalid'),
  );

const PositionSchema = v.pipe(
  v.tuple([coordinate(180), coordinate(MAX_LAT)], 'invalid'),
  v.transform((at) => at as LngLat),
);

/** A building's outline, its corners in order, without repeating the first. */
const RingSchema = v.pipe(
  v.array(PositionSchema, 'invalid'),
  v.minLength(3, 'bad-geometry'),
  v.maxLength(SITE_LIMITS.corners, 'too-large'),
  v.check((ring) => new Set(ring.map((at) => `${at[0]},${at[1]}`)).size >= 3, 'bad-geometry'),
  v.check((ring: LngLat[]) => isSimpleRing(ring), 'self-intersecting'),
);

const BuildingSchema = v.strictObject({ name: nameText(LIMITS.building), ring: RingSchema });
const PointSchema = v.strictObject({ name: nameText(LIMITS.building), at: PositionSchema });

export type Building = v.InferOutput<typeof BuildingSchema>;
export type PickupPoint = v.InferOutput<typeof PointSchema>;

/** How two names are told apart: posts name their building, so names must differ beyond case. */
export const placeKey = (name: string) => name.trim().toLocaleLowerCase('en');

function unique(names: readonly string[]): boolean {
  return new Set(names.map(placeKey)).size === names.length;
}

/** Every position of a site, to check its span. */
interface Places {
  buildings: Building[];
  points: PickupPoint[];
}

function positionsOf(site: Places): LngLat[] {
  return [...site.buildings.flatMap((b) => b.ring), ...site.points.map((p) => p.at)];
}

/** Whether a site fits within SITE_LIMITS.spanM: a compound, not a city. */
function withinSpan(site: Places): boolean {
  const all = positionsOf(site);
  if (all.length === 0) return true;
  const centre = centreOf(all);
  return all.every((at) => distanceM(centre, at) <= SITE_LIMITS.spanM / 2);
}

export const SiteBodySchema = v.pipe(
  v.strictObject({
    buildings: v.pipe(v.array(BuildingSchema), v.maxLength(SITE_LIMITS.buildings, 'too-large')),
    points: v.pipe(v.array(PointSchema), v.maxLength(SITE_LIMITS.points, 'too-large')),
  }),
  v.check((site) => unique(site.buildings.map((b) => b.name)), 'duplicate-name'),
  v.check((site) => unique(site.points.map((p) => p.name)), 'duplicate-name'),
  v.check((site: Places) => withinSpan(site), 'site-too-wide'),
);
export type SiteBody = v.InferOutput<typeof SiteBodySchema>;

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
export const siteKind: KindSpec<SiteBody, never> = {
  body: SiteBodySchema,
  subjectOf: () => null,
  authorise: (record, _subject, authority) =>
    authority.canModerate(record.author) ? ALLOWED : refused('not-volunteer'),
};
