import * as v from 'valibot';
import { centreOf, distanceM, isSimpleRing, type LngLat } from '../geo.ts';
import { LIMITS } from './field-limits.ts';
import { nameText } from './fields.ts';
import { placeKey, SITE_LIMITS } from './site.ts';

// The body schema of a site record (kinds/site.ts holds its rule).

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
