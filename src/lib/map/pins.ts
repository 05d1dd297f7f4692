import type { PostState } from '../domain/fold/post-state.ts';
import type { LngLat } from '../domain/geo.ts';
import type { PostId } from '../domain/ids.ts';
import type { PostType, Urgency } from '../domain/kinds/post.ts';
import { placeKey, type SiteBody } from '../domain/kinds/site.ts';
import type { BuildingCentres } from '../domain/places.ts';

/** One post on the map, at its building. */
export interface Pin {
  readonly post: PostId;
  readonly type: PostType;
  readonly urgency: Urgency;
  readonly building: string;
  readonly at: LngLat;
}

/** The posts of one building: one accessible marker on the map, with counts by type. */
export interface BuildingPins {
  readonly building: string;
  readonly at: LngLat;
  readonly counts: Readonly<Record<PostType, number>>;
  readonly urgent: number;
  readonly posts: readonly PostId[];
}

/** The shape each type is drawn with, so type is told by shape and text as well as colour. */
export const TYPE_SHAPE: Readonly<Record<PostType, string>> = { need: '▲', offer: '●', swap: '◆' };

/** About 3 m, in degrees: posts of one building spread around its centre so each can be picked. */
const SPREAD_DEG = 0.00003;

/**
 * The pins of the posts in the list (the map shows what the list shows), at their buildings'
 * centres, spread on a small spiral so posts of one building do not sit on top of each other.
 * Posts that name no building of the site are left out (the map says how many).
 */
export function pinsOf(posts: readonly PostState[], site: SiteBody, centres: BuildingCentres): Pin[] {
  const names = new Map(site.buildings.map((b) => [placeKey(b.name), b.name]));
  const seen = new Map<string, number>();
  const pins: Pin[] = [];
  for (const post of posts) {
    const key = placeKey(post.body.where.building);
    const centre = centres.get(key);
    const building = names.get(key);
    if (!centre || !building) continue;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const angle = n * 2.4; // the golden angle, in radians: an even spread for any count
    const r = n === 0 ? 0 : SPREAD_DEG * Math.sqrt(n);
    const at: LngLat = [centre[0] + r * Math.cos(angle), centre[1] + r * Math.sin(angle)];
    pins.push({ post: post.id, type: post.body.type, urgency: post.body.urgency, building, at });
  }
  return pins;
}

/** Pins grouped by building, in the site's order. */
export function byBuilding(pins: readonly Pin[], site: SiteBody, centres: BuildingCentres): BuildingPins[] {
  return site.buildings.flatMap((b) => {
    const here = pins.filter((p) => p.building === b.name);
    const at = centres.get(placeKey(b.name));
    if (here.length === 0 || !at) return [];
    const counts = { need: 0, offer: 0, swap: 0 };
    for (const pin of here) counts[pin.type]++;
    const urgent = here.filter((p) => p.urgency === 'urgent').length;
    return [{ building: b.name, at, counts, urgent, posts: here.map((p) => p.post) }];
  });
}

/** The pins as a GeoJSON source's data. */
export function pinCollection(pins: readonly Pin[]) {
  return {
    type: 'FeatureCollection' as const,
    features: pins.map((pin) => ({
      type: 'Feature' as const,
      properties: { post: pin.post, type: pin.type, urgency: pin.urgency, building: pin.building },
      geometry: { type: 'Point' as const, coordinates: [...pin.at] },
    })),
  };
}
