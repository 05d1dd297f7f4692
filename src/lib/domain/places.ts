import type { PostState } from './fold/post-state.ts';
import { centreOf, distanceM, type LngLat } from './geo.ts';
import { placeKey, type SiteBody } from './kinds/site.ts';

/** Where a building of the site is, by its name as posts and profiles write it. */
export type BuildingCentres = ReadonlyMap<string, LngLat>;

/** The centre of each building of a site, keyed by placeKey of its name. */
export function buildingCentres(site: SiteBody | undefined): BuildingCentres {
  return new Map((site?.buildings ?? []).map((b) => [placeKey(b.name), centreOf(b.ring)]));
}

/** Where a pickup point of the site is, by its name as stock offers' slots write it. */
export type PickupPoints = ReadonlyMap<string, LngLat>;

/** The position of each pickup point of a site, keyed by placeKey of its name. */
export function pickupPoints(site: SiteBody | undefined): PickupPoints {
  return new Map((site?.points ?? []).map((p) => [placeKey(p.name), p.at]));
}

/** The site's building a post or profile names, if it is on the site (the name as the site spells it). */
export function siteBuilding(site: SiteBody | undefined, name: string | undefined): string | undefined {
  if (!site || !name) return undefined;
  const key = placeKey(name);
  return site.buildings.find((b) => placeKey(b.name) === key)?.name;
}

/**
 * How far posts are from a resident: from the centre of their building, or from their rounded
 * device location. A post's place is its building's centre, so distances are building to building.
 */
export interface Nearness {
  /** Straight-line metres from the resident to the post's building; undefined when either is unknown. */
  distanceOf(post: PostState): number | undefined;
}

/** The nearness from an origin over a site's buildings; null without an origin. */
export function nearnessFrom(origin: LngLat | undefined, centres: BuildingCentres): Nearness | null {
  if (!origin) return null;
  return {
    distanceOf(post) {
      const at = centres.get(placeKey(post.body.where.building));
      return at ? distanceM(origin, at) : undefined;
    },
  };
}
