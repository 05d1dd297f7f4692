import type { Board } from '../board/board.ts';
import type { PostState } from '../domain/fold/posts.ts';
import { roundLocation, type LngLat } from '../domain/geo.ts';
import type { AuthorKey } from '../domain/ids.ts';
import { EMPTY_SITE, placeKey, roundCoordinate, type SiteBody } from '../domain/kinds/site.ts';
import { buildingCentres, nearnessFrom, siteBuilding, type BuildingCentres, type Nearness } from '../domain/places.ts';
import { runCommand, type CommandOutcome } from './command.ts';

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
  readonly #context: SiteContext;

  readonly site: SiteBody = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.site() ?? EMPTY_SITE;
  });
  readonly centres: BuildingCentres = $derived(buildingCentres(this.site));
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
    const ring = corners.map(([lng, lat]): LngLat => [roundCoordinate(lng), roundCoordinate(lat)]);
    return this.save({ ...this.site, buildings: [...this.site.buildings, { name: name.trim(), ring }] });
  }

  /** Adds a pickup point (a lobby, a gate). */
  addPoint(name: string, [lng, lat]: LngLat): Promise<CommandOutcome> {
    const at: LngLat = [roundCoordinate(lng), roundCoordinate(lat)];
    return this.save({ ...this.site, points: [...this.site.points, { name: name.trim(), at }] });
  }

  /** Moves a building by an offset in degrees (drag on the map, or the arrow buttons). */
  moveBuilding(name: string, [dLng, dLat]: LngLat): Promise<CommandOutcome> {
    const buildings = this.site.buildings.map((b) =>
      b.name !== name
        ? b
        : { ...b, ring: b.ring.map(([x, y]): LngLat => [roundCoordinate(x + dLng), roundCoordinate(y + dLat)]) },
    );
    return this.save({ ...this.site, buildings });
  }

  renameBuilding(name: string, to: string): Promise<CommandOutcome> {
    const buildings = this.site.buildings.map((b) => (b.name === name ? { ...b, name: to.trim() } : b));
    return this.save({ ...this.site, buildings });
  }

  removeBuilding(name: string): Promise<CommandOutcome> {
    return this.save({ ...this.site, buildings: this.site.buildings.filter((b) => b.name !== name) });
  }

  removePoint(name: string): Promise<CommandOutcome> {
    return this.save({ ...this.site, points: this.site.points.filter((p) => p.name !== name) });
  }

  save(site: SiteBody): Promise<CommandOutcome> {
    return runCommand(this.#context.board()?.commands ?? null, (c) => c.saveSite(site));
  }
}
