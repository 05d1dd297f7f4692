// The only module that imports MapLibre GL; state/map.svelte.ts loads it on demand, so the
// list paints before the map's chunk (about 1 MB) is fetched.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { GeoJSONSource, LngLatBoundsLike } from 'maplibre-gl';
import type { Direction, LngLat } from '../domain/geo.ts';
import type { PostId } from '../domain/ids.ts';
import { centreOf } from '../domain/geo.ts';
import { buildingLabel, handleButton, pickupLabel, type MapLabels } from './markers.ts';
import { byBuilding } from './pins.ts';
import { buildingCentres } from '../domain/places.ts';
import {
  DEFAULT_CENTRE,
  draftCollection,
  MAP_IDLE_MARK,
  siteStyle,
  type GeoJsonData,
  type MapContent,
} from './style.ts';
import { pinCollection } from './pins.ts';
import { siteToGeoJson } from '../domain/site-geojson.ts';

// NOTE: after a build the worker 404s unless its URL is given (shared/TESTING.md, MapLibre GL 6).
maplibregl.setWorkerUrl(workerUrl);

/** What the map tells its owner. */
export interface MapEvents {
  /** A post's pin was chosen (on the canvas). */
  selectPost(post: PostId): void;
  /** A building's marker was chosen (by tap or keyboard). */
  selectBuilding(building: string): void;
  /** The map was tapped somewhere (for drawing). */
  tap(at: LngLat): void;
  /** A handle of what is being edited was chosen (by tap or keyboard). */
  chooseHandle(handle: number): void;
  /** A handle was dragged to a new position. */
  dropHandle(handle: number, at: LngLat): void;
  /** An arrow key was pressed on a handle. */
  nudgeHandle(handle: number, direction: Direction): void;
}

/** Raised when this device cannot run the map (no WebGL). */
export class MapUnavailable extends Error {}

function hasWebgl(): boolean {
  const canvas = document.createElement('canvas');
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

function siteBounds(content: MapContent): LngLatBoundsLike | null {
  const all = [...content.site.buildings.flatMap((b) => b.ring), ...content.site.points.map((p) => p.at)];
  if (all.length === 0) return null;
  const lngs = all.map((a) => a[0]);
  const lats = all.map((a) => a[1]);
  return [
    [Math.min(...lngs), Math.min(...lats)],
    [Math.max(...lngs), Math.max(...lats)],
  ];
}

/**
 * The compound's map on a page: MapLibre with the site's own style, building names and
 * per-building pin markers as HTML (keyboard-reachable buttons with accessible names), and the
 * posts' pins as a clustered circle layer. `update` redraws from new content without a reload.
 */
export class SiteMap {
  readonly #map: maplibregl.Map;
  readonly #events: MapEvents;
  readonly #labels: MapLabels;
  #markers: maplibregl.Marker[] = [];
  #handles: maplibregl.Marker[] = [];
  /** Set from a handle's drop until the click that may follow it, which is not a tap on the map. */
  #dropped = false;
  #content: MapContent;

  private constructor(map: maplibregl.Map, content: MapContent, events: MapEvents, labels: MapLabels) {
    this.#map = map;
    this.#content = content;
    this.#events = events;
    this.#labels = labels;
  }

  /** Starts the map in a container; throws MapUnavailable without WebGL. */
  static async start(
    container: HTMLElement,
    content: MapContent,
    events: MapEvents,
    labels: MapLabels,
  ): Promise<SiteMap> {
    if (!hasWebgl()) throw new MapUnavailable('no WebGL');
    const bounds = siteBounds(content);
    let map: maplibregl.Map;
    try {
      map = new maplibregl.Map({
        container,
        style: siteStyle(content),
        center: [...DEFAULT_CENTRE],
        zoom: 17,
        ...(bounds ? { bounds, fitBoundsOptions: { padding: 48, maxZoom: 19 } } : {}),
        attributionControl: false,
        maxZoom: 21,
      });
    } catch (error) {
      throw new MapUnavailable(String(error));
    }
    map.once('idle', () => performance.mark(MAP_IDLE_MARK));
    await new Promise<void>((resolve) => map.once('load', () => resolve()));
    const siteMap = new SiteMap(map, content, events, labels);
    siteMap.#listen();
    siteMap.#placeMarkers();
    siteMap.#placeHandles();
    return siteMap;
  }

  /** The MapLibre map, for tests that check its rendered features. */
  get map(): maplibregl.Map {
    return this.#map;
  }

  update(content: MapContent): void {
    const previous = this.#content;
    this.#content = content;
    const source = (id: string) => this.#map.getSource<GeoJSONSource>(id);
    if (content.site !== previous.site) void source('site')?.setData(siteToGeoJson(content.site) as GeoJsonData);
    if (content.pins !== previous.pins) void source('pins')?.setData(pinCollection(content.pins) as GeoJsonData);
    if (content.draft !== previous.draft) void source('draft')?.setData(draftCollection(content.draft) as GeoJsonData);
    if (content.site !== previous.site || content.pins !== previous.pins) this.#placeMarkers();
    if (content.handles?.handles !== previous.handles?.handles || content.handles?.chosen !== previous.handles?.chosen)
      this.#placeHandles();
  }

  /** Brings a building into view, moving the map only when it is not in view already. */
  focus(building: string): void {
    const found = this.#content.site.buildings.find((b) => b.name === building);
    if (!found) return;
    const centre = centreOf(found.ring);
    if (!this.#map.getBounds().contains([...centre])) this.#map.jumpTo({ center: [...centre] });
  }

  /** Resolves at the map's next `idle` (everything drawn). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#map.loaded() && !this.#map.isMoving()) this.#map.once('idle', () => resolve());
      else this.#map.once('idle', () => resolve());
      this.#map.triggerRepaint();
    });
  }

  destroy(): void {
    for (const marker of [...this.#markers, ...this.#handles]) marker.remove();
    this.#map.remove();
  }

  #listen(): void {
    const map = this.#map;
    map.on('click', (event) => {
      const hits = map.queryRenderedFeatures(event.point, { layers: ['pins', 'pin-clusters'] });
      const hit = hits[0];
      if (!hit) {
        if (!this.#dropped) this.#events.tap([event.lngLat.lng, event.lngLat.lat]);
        return;
      }
      const clusterId = hit.properties['cluster_id'] as number | undefined;
      if (clusterId === undefined) return this.#events.selectPost(hit.properties['post'] as PostId);
      const source = map.getSource<GeoJSONSource>('pins');
      void source?.getClusterExpansionZoom(clusterId).then((zoom) => {
        const centre = (hit.geometry as { coordinates: number[] }).coordinates as [number, number];
        map.easeTo({ center: centre, zoom });
      });
    });
    for (const layer of ['pins', 'pin-clusters']) {
      map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
    }
  }

  /** Building names, pickup point names and each building's pin marker, as HTML on the map. */
  #placeMarkers(): void {
    for (const marker of this.#markers) marker.remove();
    const { site, pins } = this.#content;
    const centres = buildingCentres(site);
    const groups = new Map(byBuilding(pins, site, centres).map((g) => [g.building, g]));
    const markers: maplibregl.Marker[] = [];
    const select = (building: string) => this.#events.selectBuilding(building);
    for (const building of site.buildings) {
      const element = buildingLabel(building.name, groups.get(building.name), this.#labels, select);
      // Anchored above its building like a pin, so the outline stays in sight.
      markers.push(new maplibregl.Marker({ element, anchor: 'bottom' }).setLngLat([...centreOf(building.ring)]));
    }
    for (const point of site.points) {
      const element = pickupLabel(point.name);
      markers.push(new maplibregl.Marker({ element, anchor: 'top', offset: [0, 8] }).setLngLat([...point.at]));
    }
    for (const marker of markers) marker.addTo(this.#map);
    this.#markers = markers;
  }

  /**
   * The handles of what is being edited: a button per corner (or the pickup point), dragged
   * with a finger or the mouse, chosen by a tap, moved with the arrow keys. Focus stays on the
   * handle that was moved, though the handles are made anew with the site.
   */
  #placeHandles(): void {
    const focused = this.#handles.findIndex((m) => m.getElement().contains(document.activeElement));
    for (const marker of this.#handles) marker.remove();
    const editing = this.#content.handles;
    const handles = editing?.handles ?? [];
    this.#handles = handles.map((at, i) => {
      const button = handleButton(i, handles.length, i === editing?.chosen, this.#labels, this.#events);
      const marker = new maplibregl.Marker({ element: button, draggable: true }).setLngLat([...at]).addTo(this.#map);
      marker.on('dragend', () => {
        const { lng, lat } = marker.getLngLat();
        this.#dropped = true;
        setTimeout(() => (this.#dropped = false));
        this.#events.dropHandle(i, [lng, lat]);
      });
      return marker;
    });
    if (focused >= 0) this.#handles[focused]?.getElement().focus();
  }
}
