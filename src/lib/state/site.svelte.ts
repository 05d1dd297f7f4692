import type { Board } from '../board/board.ts';
import type { PostState } from '../domain/fold/post-state.ts';
import { roundLocation, type LngLat } from '../domain/geo.ts';
import type { AuthorKey } from '../domain/ids.ts';
import {
  EMPTY_SITE,
  placeKey,
  roundCoordinate,
  type Building,
  type PickupPoint,
  type SiteBody,
} from '../domain/kinds/site.ts';
import {
  buildingCentres,
  nearnessFrom,
  pickupPoints,
  siteBuilding,
  type BuildingCentres,
  type Nearness,
  type PickupPoints,
} from '../domain/places.ts';
import { runCommand, type CommandOutcome } from './command.ts';

/** What was deleted last, and where it stood in its list, so Undo puts it back there. */
export type Removed =
  | { readonly kind: 'building'; readonly index: number; readonly building: Building }
  | { readonly kind: 'point'; readonly index: number; readonly point: PickupPoint };

const rounded = ([lng, lat]: LngLat): LngLat => [roundCoordinate(lng), roundCoordinate(lat)];

/** What the site reads from its session. */
export interface SiteContext {
  readonly me: AuthorKey;
  board(): Board | null;
}

/**
 * The compound's own map as the UI sees it: its buildings and pickup points, who may change
 * them, importing and exporting GeoJSON, and where "near me" is measured from (my building, or
 * my device's location rounded to about 100 m when I allowed it). Every change is a whole new
 * site record, judged by the site kind's rule here and on every device.
 */
export class SquareSite {
  #version = $state(0);
  /** This device's location, rounded, if the resident shared it for "near me" (kept on this device only). */
  location = $state<LngLat | null>(null);
  /** What was deleted last, while Undo is offered. */
  removed = $state.raw<Removed | null>(null);
  readonly #context: SiteContext;

  readonly site: SiteBody = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.site() ?? EMPTY_SITE;
  });
  readonly centres: BuildingCentres = $derived(buildingCentres(this.site));
  readonly points: PickupPoints = $derived(pickupPoints(this.site));
  /** The founder or a volunteer: may draw the site. */
  readonly canEdit: boolean = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.authority.canModerate(this.#context.me) ?? false;
  });
  /** My building as the site names it, if my profile names one that is on the site. */
  readonly myBuilding: string | undefined = $derived.by(() => {
    void this.#version;
    return siteBuilding(this.site, this.#context.board()?.view.profile(this.#context.me)?.building);
  });
  /** Where distances are measured from: my building's centre, else my rounded location. */
  readonly origin: LngLat | undefined = $derived(
    (this.myBuilding === undefined ? undefined : this.centres.get(placeKey(this.myBuilding))) ??
      this.location ??
      undefined,
  );
  readonly nearness: Nearness | null = $derived(nearnessFrom(this.origin, this.centres));

  constructor(context: SiteContext) {
    this.#context = context;
  }

  /** Reads the board again after it changed. */
  refresh(): void {
    this.#version++;
  }

  get hasSite(): boolean {
    return this.site.buildings.length > 0 || this.site.points.length > 0;
  }

  /** Straight-line metres from me to a post's building, if both are known. */
  distanceOf(post: PostState): number | undefined {
    return this.nearness?.distanceOf(post);
  }

  /** The site building a post names, if it is on the map. */
  buildingOf(post: PostState): string | undefined {
    return siteBuilding(this.site, post.body.where.building);
  }

  /** Uses this device's location for "near me", rounded before anything else sees it. */
  useLocation(at: LngLat): void {
    this.location = roundLocation(at);
  }

  /** Replaces the site with the one in a GeoJSON file; a bad file changes nothing and says why. */
  async importGeoJson(text: string): Promise<CommandOutcome> {
    const { parseSiteGeoJson } = await import('../domain/site-geojson.ts');
    const parsed = parseSiteGeoJson(text);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    return this.save(parsed.value);
  }

  /** The site as a GeoJSON file's text. NOTE: GeoJSON's code loads when first needed, out of the first load. */
  async exportGeoJson(): Promise<string> {
    const { siteToGeoJson } = await import('../domain/site-geojson.ts');
    return JSON.stringify(siteToGeoJson(this.site), null, 2);
  }

  /** Adds a building drawn by tapping its corners. */
  addBuilding(name: string, corners: readonly LngLat[]): Promise<CommandOutcome> {
    const ring = corners.map(rounded);
    return this.save({ ...this.site, buildings: [...this.site.buildings, { name: name.trim(), ring }] });
  }

  /** Adds a pickup point (a lobby, a gate). */
  addPoint(name: string, at: LngLat): Promise<CommandOutcome> {
    return this.save({ ...this.site, points: [...this.site.points, { name: name.trim(), at: rounded(at) }] });
  }

  /** Moves a building by an offset in degrees (the arrow buttons). */
  moveBuilding(name: string, [dLng, dLat]: LngLat): Promise<CommandOutcome> {
    return this.#withBuilding(name, (b) => ({
      ...b,
      ring: b.ring.map(([x, y]): LngLat => rounded([x + dLng, y + dLat])),
    }));
  }

  /** Puts one corner of a building somewhere else (dragged, tapped or nudged); the others stay. */
  moveCorner(name: string, corner: number, at: LngLat): Promise<CommandOutcome> {
    return this.#withBuilding(name, (b) => ({ ...b, ring: b.ring.map((c, i) => (i === corner ? rounded(at) : c)) }));
  }

  /** Puts a pickup point somewhere else. */
  movePoint(name: string, at: LngLat): Promise<CommandOutcome> {
    const points = this.site.points.map((p) => (p.name === name ? { ...p, at: rounded(at) } : p));
    return this.save({ ...this.site, points });
  }

  /** Deletes a building; `undoRemove` puts it back. */
  removeBuilding(name: string): Promise<CommandOutcome> {
    const index = this.site.buildings.findIndex((b) => b.name === name);
    const building = this.site.buildings[index];
    if (!building) return Promise.resolve({ ok: false, reason: 'invalid' });
    const buildings = this.site.buildings.filter((b) => b !== building);
    return this.#remove({ ...this.site, buildings }, { kind: 'building', index, building });
  }

  /** Deletes a pickup point; `undoRemove` puts it back. */
  removePoint(name: string): Promise<CommandOutcome> {
    const index = this.site.points.findIndex((p) => p.name === name);
    const point = this.site.points[index];
    if (!point) return Promise.resolve({ ok: false, reason: 'invalid' });
    const points = this.site.points.filter((p) => p !== point);
    return this.#remove({ ...this.site, points }, { kind: 'point', index, point });
  }

  /**
   * Puts back what was deleted last, where it was, into the site as it is now (a volunteer may
   * have changed something else since): a new site record like any other change.
   */
  async undoRemove(): Promise<CommandOutcome> {
    const removed = this.removed;
    if (!removed) return { ok: false, reason: 'invalid' };
    const site = this.site;
    const put = <T>(list: readonly T[], item: T) => [
      ...list.slice(0, removed.index),
      item,
      ...list.slice(removed.index),
    ];
    const outcome = await this.save(
      removed.kind === 'building'
        ? { ...site, buildings: put(site.buildings, removed.building) }
        : { ...site, points: put(site.points, removed.point) },
    );
    if (outcome.ok) this.removed = null;
    return outcome;
  }

  /** Forgets what undoRemove would put back. */
  dismissUndo(): void {
    this.removed = null;
  }

  async #remove(site: SiteBody, removed: Removed): Promise<CommandOutcome> {
    const outcome = await this.save(site);
    if (outcome.ok) this.removed = removed;
    return outcome;
  }

  #withBuilding(name: string, change: (building: Building) => Building): Promise<CommandOutcome> {
    if (!this.site.buildings.some((b) => b.name === name)) return Promise.resolve({ ok: false, reason: 'invalid' });
    return this.save({ ...this.site, buildings: this.site.buildings.map((b) => (b.name === name ? change(b) : b)) });
  }

  save(site: SiteBody): Promise<CommandOutcome> {
    return runCommand(this.#context.board()?.commands ?? null, (c) => c.saveSite(site));
  }
}
