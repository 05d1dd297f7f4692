import type { PostState } from '../domain/fold/posts.ts';
import type { LngLat } from '../domain/geo.ts';
import type { PostId } from '../domain/ids.ts';
import { pinsOf, type Pin } from '../map/pins.ts';
import type { MapContent } from '../map/style.ts';
import type { MapLabels, SiteMap } from '../map/site-map.ts';
import type { CommandOutcome } from './command.ts';
import type { PostFeed } from './feed.svelte.ts';
import type { SquareSite } from './site.svelte.ts';

/** Where the map view is: closed, loading its code, drawn, or unable to start on this device. */
export type MapPhase = 'closed' | 'loading' | 'ready' | 'unavailable';

/** What a tap on the map does: nothing, add a corner of a building, or place a pickup point. */
export type DrawMode = 'none' | 'building' | 'point';

/**
 * The Map view: the same posts as the list, on the compound's own map. It loads MapLibre only
 * when opened (map/site-map.ts, a chunk of its own), keeps which building and post are chosen,
 * and lets the founder and volunteers draw buildings by tapping their corners and place pickup
 * points. Every pin has its list equivalent: a building's posts are listed beside the map.
 */
export class SquareMap {
  phase = $state<MapPhase>('closed');
  /** The building whose posts are listed beside the map. */
  building = $state<string | null>(null);
  /** The post whose card is open. */
  selected = $state<PostId | null>(null);
  mode = $state<DrawMode>('none');
  /** Corners tapped so far of the building being drawn. */
  draft = $state.raw<readonly LngLat[]>([]);
  /** Where the pickup point being placed goes. */
  point = $state.raw<LngLat | null>(null);
  readonly #site: SquareSite;
  readonly #feed: PostFeed;
  #map: SiteMap | null = null;

  readonly pins: readonly Pin[] = $derived.by(() => pinsOf(this.#feed.posts, this.#site.site, this.#site.centres));

  constructor(site: SquareSite, feed: PostFeed) {
    this.#site = site;
    this.#feed = feed;
  }

  get isOpen(): boolean {
    return this.phase !== 'closed';
  }

  /** Posts in the list that name no building on the map. */
  get unplaced(): number {
    return this.#feed.posts.length - this.pins.length;
  }

  /** The posts of the chosen building, as the list orders them. */
  get buildingPosts(): readonly PostState[] {
    const building = this.building;
    if (building === null) return [];
    const here = this.pins.filter((p) => p.building === building).map((p) => p.post);
    return this.#feed.posts.filter((p) => here.includes(p.id));
  }

  get selectedPost(): PostState | undefined {
    return this.#feed.posts.find((p) => p.id === this.selected);
  }

  /** Opens the map, on a building if one is given ("Show on map" from a card). */
  open(building?: string): void {
    if (this.phase === 'closed') this.phase = 'loading';
    this.building = building ?? null;
    this.selected = null;
    if (building) this.#map?.focus(building);
  }

  close(): void {
    this.#map?.destroy();
    this.#map = null;
    this.phase = 'closed';
    this.mode = 'none';
    this.draft = [];
    this.point = null;
  }

  /** Starts MapLibre in its container (lazily loaded); says so plainly if it cannot. */
  async attach(container: HTMLElement, labels: MapLabels): Promise<void> {
    try {
      const { SiteMap } = await import('../map/site-map.ts');
      if (!this.isOpen) return;
      const map = await SiteMap.start(container, this.content(), this.#events(), labels);
      // Closed while it loaded: nothing to show.
      if (!this.isOpen) return map.destroy();
      this.#map = map;
      if (this.building) map.focus(this.building);
      // A handle for end-to-end tests and benches: they check the map's own rendered features.
      (globalThis as { kaifongMap?: unknown }).kaifongMap = map;
      this.phase = 'ready';
    } catch (error) {
      console.warn('kaifong: the map could not start', error);
      this.phase = 'unavailable';
    }
  }

  /** What the map draws now. */
  content(): MapContent {
    return { site: this.#site.site, pins: this.pins, draft: this.draft };
  }

  /** Redraws after the site, the list or the drawing changed. */
  sync(): void {
    this.#map?.update(this.content());
  }

  showBuilding(building: string): void {
    this.building = building;
    this.selected = null;
  }

  selectPost(post: PostId): void {
    this.selected = post;
    this.building = this.pins.find((p) => p.post === post)?.building ?? this.building;
  }

  /** Starts drawing: a building by its corners, or a pickup point. */
  draw(mode: DrawMode): void {
    this.mode = mode;
    this.draft = [];
    this.point = null;
  }

  tap(at: LngLat): void {
    if (this.mode === 'building') this.draft = [...this.draft, at];
    else if (this.mode === 'point') this.point = at;
  }

  undoCorner(): void {
    this.draft = this.draft.slice(0, -1);
  }

  /** Saves the building drawn so far under a name; on refusal the drawing stays for a fix. */
  async finishBuilding(name: string): Promise<CommandOutcome> {
    const outcome = await this.#site.addBuilding(name, this.draft);
    if (outcome.ok) this.draw('none');
    return outcome;
  }

  async finishPoint(name: string): Promise<CommandOutcome> {
    if (!this.point) return { ok: false, reason: 'required' };
    const outcome = await this.#site.addPoint(name, this.point);
    if (outcome.ok) this.draw('none');
    return outcome;
  }

  #events() {
    return {
      selectPost: (post: PostId) => this.selectPost(post),
      selectBuilding: (building: string) => this.showBuilding(building),
      tap: (at: LngLat) => this.tap(at),
    };
  }
}
