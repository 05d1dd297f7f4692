import type { PostState } from '../domain/fold/post-state.ts';
import { STEPS, type Direction, type LngLat } from '../domain/geo.ts';
import type { PostId } from '../domain/ids.ts';
import { pinsOf, type Pin } from '../map/pins.ts';
import type { MapContent } from '../map/style.ts';
import type { MapLabels } from '../map/markers.ts';
import type { SiteMap } from '../map/site-map.ts';
import type { CommandOutcome } from './command.ts';
import type { PostFeed } from './feed.svelte.ts';
import type { SquareSite } from './site.svelte.ts';

/** Where the map view is: closed, loading its code, drawn, or unable to start on this device. */
export type MapPhase = 'closed' | 'loading' | 'ready' | 'unavailable';

/**
 * What a tap on the map does: nothing, add a corner of a building, place a pickup point, or
 * move the chosen corner of a building (or a pickup point) being edited.
 */
export type DrawMode = 'none' | 'building' | 'point' | 'edit';

/** The building or pickup point being edited, and which of its handles (corners) is chosen. */
export interface Editing {
  readonly kind: 'building' | 'point';
  readonly name: string;
  readonly handle: number;
}

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
  editing = $state.raw<Editing | null>(null);
  /** What the last change to the site came to, for the editor to say. */
  outcome = $state.raw<CommandOutcome | null>(null);
  readonly #site: SquareSite;
  readonly #feed: PostFeed;
  #map: SiteMap | null = null;

  readonly pins: readonly Pin[] = $derived.by(() => pinsOf(this.#feed.posts, this.#site.site, this.#site.centres));
  /** Where the handles of the building or point being edited are: its corners, or the point. */
  readonly handles: readonly LngLat[] = $derived.by(() => {
    const editing = this.editing;
    if (!editing) return [];
    if (editing.kind === 'point') return this.#site.site.points.filter((p) => p.name === editing.name).map((p) => p.at);
    return this.#site.site.buildings.find((b) => b.name === editing.name)?.ring ?? [];
  });

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
    this.draw('none');
    this.outcome = null;
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
    const handles = this.editing ? { handles: this.handles, chosen: this.editing.handle } : null;
    return { site: this.#site.site, pins: this.pins, draft: this.draft, handles };
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

  /** Starts drawing: a building by its corners, or a pickup point (or stops, with 'none'). */
  draw(mode: Exclude<DrawMode, 'edit'>): void {
    this.mode = mode;
    this.draft = [];
    this.point = null;
    this.editing = null;
  }

  /** Starts editing where a building's corners (or a pickup point) are, its first corner chosen. */
  edit(kind: Editing['kind'], name: string): void {
    this.draw('none');
    this.mode = 'edit';
    this.editing = { kind, name, handle: 0 };
    if (kind === 'building') this.#map?.focus(name);
  }

  /** Chooses which corner the next tap or arrow moves. */
  chooseHandle(handle: number): void {
    if (this.editing && handle >= 0 && handle < this.handles.length) this.editing = { ...this.editing, handle };
  }

  /** Moves a handle of what is being edited to a position: a new signed site record. */
  async moveHandle(handle: number, at: LngLat): Promise<CommandOutcome> {
    const editing = this.editing;
    if (!editing) return { ok: false, reason: 'invalid' };
    this.chooseHandle(handle);
    const outcome =
      editing.kind === 'point'
        ? await this.#site.movePoint(editing.name, at)
        : await this.#site.moveCorner(editing.name, handle, at);
    this.outcome = outcome;
    return outcome;
  }

  /** Moves the chosen handle one arrow step (the keyboard's way to drag it). */
  nudge(direction: Direction): Promise<CommandOutcome> {
    const handle = this.editing?.handle ?? 0;
    const at = this.handles[handle];
    if (!at) return Promise.resolve({ ok: false, reason: 'invalid' });
    const [dLng, dLat] = STEPS[direction];
    return this.moveHandle(handle, [at[0] + dLng, at[1] + dLat]);
  }

  /** Says what a change to the site came to. */
  report(outcome: CommandOutcome): void {
    this.outcome = outcome;
  }

  tap(at: LngLat): void {
    if (this.mode === 'building') this.draft = [...this.draft, at];
    else if (this.mode === 'point') this.point = at;
    else if (this.mode === 'edit' && this.editing) void this.moveHandle(this.editing.handle, at);
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
      chooseHandle: (handle: number) => this.chooseHandle(handle),
      dropHandle: (handle: number, at: LngLat) => void this.moveHandle(handle, at),
      nudgeHandle: (handle: number, direction: Direction) => {
        this.chooseHandle(handle);
        void this.nudge(direction);
      },
    };
  }
}
