import * as v from 'valibot';
import type { ParseResult } from './envelope.ts';
import { checkWith } from './parsing.ts';
import type { LngLat } from './geo.ts';
import { SiteBodySchema } from './kinds/site-body.ts';
import { roundCoordinate, type SiteBody } from './kinds/site.ts';

/** The largest GeoJSON file a site is imported from (characters). */
export const SITE_FILE_MAX_CHARS = 256 * 1024;

const Position = v.pipe(
  v.array(v.number()),
  v.minLength(2),
  v.transform((at): LngLat => [roundCoordinate(at[0]!), roundCoordinate(at[1]!)]),
);
const Geometry = v.variant('type', [
  v.object({ type: v.literal('Point'), coordinates: Position }),
  v.object({ type: v.literal('Polygon'), coordinates: v.array(v.array(Position)) }),
]);
const Feature = v.object({
  type: v.literal('Feature'),
  geometry: v.unknown(),
  properties: v.nullish(v.record(v.string(), v.unknown())),
});
const Collection = v.object({ type: v.literal('FeatureCollection'), features: v.array(v.unknown()) });

const fail = (reason: 'not-geojson' | 'bad-geometry' | 'too-large' | 'required'): ParseResult<never> => ({
  ok: false,
  reason,
});

/** A closed GeoJSON ring as a site keeps it: without repeating its first corner. */
function openRing(ring: readonly LngLat[]): LngLat[] {
  const first = ring[0];
  const last = ring.at(-1);
  const closed = ring.length > 1 && first && last && first[0] === last[0] && first[1] === last[1];
  return closed ? ring.slice(0, -1) : [...ring];
}

/**
 * Reads a compound's site from a GeoJSON file: a FeatureCollection of named Polygons (buildings,
 * one outer ring each) and Points (pickup points). Coordinates are rounded to what a site record
 * keeps, then the whole site is checked by the site kind's own schema, so an import can never
 * make a record every device would refuse. Never throws; a problem is a reason code.
 */
export function parseSiteGeoJson(text: string): ParseResult<SiteBody> {
  if (text.length > SITE_FILE_MAX_CHARS) return fail('too-large');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('not-geojson');
  }
  const collection = v.safeParse(Collection, json);
  if (!collection.success) return fail('not-geojson');
  const site: { buildings: { name: string; ring: LngLat[] }[]; points: { name: string; at: LngLat }[] } = {
    buildings: [],
    points: [],
  };
  for (const item of collection.output.features) {
    const feature = v.safeParse(Feature, item);
    if (!feature.success) return fail('not-geojson');
    const geometry = v.safeParse(Geometry, feature.output.geometry);
    if (!geometry.success) return fail('bad-geometry');
    const name = feature.output.properties?.['name'];
    if (typeof name !== 'string' || name.trim() === '') return fail('required');
    const shape = geometry.output;
    if (shape.type === 'Point') site.points.push({ name: name.trim(), at: shape.coordinates });
    else if (shape.coordinates.length !== 1) return fail('bad-geometry');
    else site.buildings.push({ name: name.trim(), ring: openRing(shape.coordinates[0]!) });
  }
  return checkWith(SiteBodySchema, site);
}

/** A site as a GeoJSON FeatureCollection (closed rings), for saving to a file or a map source. */
export function siteToGeoJson(site: SiteBody): SiteFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: [
      ...site.buildings.map((b) => ({
        type: 'Feature' as const,
        properties: { name: b.name, place: 'building' as const },
        geometry: { type: 'Polygon' as const, coordinates: [[...b.ring, b.ring[0]!]] },
      })),
      ...site.points.map((p) => ({
        type: 'Feature' as const,
        properties: { name: p.name, place: 'pickup' as const },
        geometry: { type: 'Point' as const, coordinates: p.at },
      })),
    ],
  };
}

/** The GeoJSON a site is written as (a subset of RFC 7946). */
export interface SiteFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly (
    | {
        readonly type: 'Feature';
        readonly properties: { readonly name: string; readonly place: 'building' };
        readonly geometry: { readonly type: 'Polygon'; readonly coordinates: readonly (readonly LngLat[])[] };
      }
    | {
        readonly type: 'Feature';
        readonly properties: { readonly name: string; readonly place: 'pickup' };
        readonly geometry: { readonly type: 'Point'; readonly coordinates: LngLat };
      }
  )[];
}
