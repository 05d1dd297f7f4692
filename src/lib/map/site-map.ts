// The only module that imports MapLibre GL; state/map.svelte.ts loads it on demand, so the
// list paints before the map's chunk (about 1 MB) is fetched.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { GeoJSONSource, LngLatBoundsLike } from 'maplibre-gl';
import type { LngLat } from '../domain/geo.ts';
import type { PostId } from '../domain/ids.ts';
import { centreOf } from '../domain/geo.ts';
import { byBuilding, TYPE_SHAPE, type BuildingPins } from './pins.ts';
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
import { POST_TYPES } from '../domain/kinds/post.ts';

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
}

/** The texts the markers carry, in the resident's language. */
export interface MapLabels {
  pin(building: string, posts: number, urgent: number): string;
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
    for (const marker of this.#markers) marker.remove();
    this.#map.remove();
  }

  #listen(): void {
    const map = this.#map;
    map.on('click', (event) => {
      const hits = map.queryRenderedFeatures(event.point, { layers: ['pins', 'pin-clusters'] });
      const hit = hits[0];
      if (!hit) return this.#events.tap([event.lngLat.lng, event.lngLat.lat]);
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
    for (const building of site.buildings) {
      const element = document.createElement('div');
      element.className = 'map-building';
      const name = document.createElement('span');
      name.className = 'map-label';
      name.textContent = building.name;
      element.append(name);
      const group = groups.get(building.name);
      if (group) element.append(this.#pinButton(group));
      // Anchored above its building like a pin, so the outline stays in sight.
      markers.push(new maplibregl.Marker({ element, anchor: 'bottom' }).setLngLat([...centreOf(building.ring)]));
    }
    for (const point of site.points) {
      const element = document.createElement('span');
      element.className = 'map-label map-pickup';
      element.textContent = `⚑ ${point.name}`;
      markers.push(new maplibregl.Marker({ element, anchor: 'top', offset: [0, 8] }).setLngLat([...point.at]));
    }
    for (const marker of markers) marker.addTo(this.#map);
    this.#markers = markers;
  }

  #pinButton(group: BuildingPins): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'map-pin';
    const total = group.posts.length;
    button.setAttribute('aria-label', this.#labels.pin(group.building, total, group.urgent));
    for (const type of POST_TYPES) {
      if (group.counts[type] === 0) continue;
      const part = document.createElement('span');
      part.className = `map-pin-${type}`;
      part.setAttribute('aria-hidden', 'true');
      part.textContent = `${TYPE_SHAPE[type]}${group.counts[type]}`;
      button.append(part);
    }
    if (group.urgent > 0) {
      const urgent = document.createElement('span');
      urgent.className = 'map-pin-urgent';
      urgent.setAttribute('aria-hidden', 'true');
      urgent.textContent = `!${group.urgent}`;
      button.append(urgent);
    }
    button.addEventListener('click', (event) => {
      // The marker sits on the canvas: its click must not also count as a tap on the map.
      event.stopPropagation();
      this.#events.selectBuilding(group.building);
    });
    return button;
  }
}
