import type { GeoJSONSourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { LngLat } from '../domain/geo.ts';
import type { SiteBody } from '../domain/kinds/site.ts';
import { siteToGeoJson } from '../domain/site-geojson.ts';
import { pinCollection, type Pin } from './pins.ts';

/** What a GeoJSON source takes. */
export type GeoJsonData = GeoJSONSourceSpecification['data'];

/** Colours by post type; type is also told by the marker's shape and text (pins.ts TYPE_SHAPE). */
export const TYPE_COLOUR = { need: '#b4441e', offer: '#1d6b3a', swap: '#2b5c8a' } as const;

/** The User Timing mark set at a map's first `idle` (everything drawn), for benches and tests. */
export const MAP_IDLE_MARK = 'kaifong:map-idle';

/** Where an empty site opens: Hong Kong, where a founder draws the first building anywhere. */
export const DEFAULT_CENTRE: LngLat = [114.17, 22.3];

/** The handles of a building (its corners) or pickup point being edited, and the chosen one. */
export interface MapHandles {
  readonly handles: readonly LngLat[];
  readonly chosen: number;
}

/** What the map draws: the site, the posts' pins, the outline being drawn, the handles being edited. */
export interface MapContent {
  readonly site: SiteBody;
  readonly pins: readonly Pin[];
  /** Corners tapped so far of a building being drawn. */
  readonly draft: readonly LngLat[];
  readonly handles: MapHandles | null;
}

/** The draft outline as GeoJSON: its corners and the line through them. */
export function draftCollection(draft: readonly LngLat[]) {
  return {
    type: 'FeatureCollection' as const,
    features: [
      ...draft.map((at) => ({
        type: 'Feature' as const,
        properties: {},
        geometry: { type: 'Point' as const, coordinates: [...at] },
      })),
      ...(draft.length > 1
        ? [
            {
              type: 'Feature' as const,
              properties: {},
              geometry: { type: 'LineString' as const, coordinates: draft.map((at) => [...at]) },
            },
          ]
        : []),
    ],
  };
}

/**
 * The map's style, made from the site alone: GeoJSON sources and no `glyphs`, `sprite` or tile
 * URL, so it draws offline and no request leaves the device. Names are HTML markers (site-map.ts),
 * as text layers would need glyphs from a server. Pins cluster when crowded (supercluster).
 */
export function siteStyle(content: MapContent): StyleSpecification {
  return {
    version: 8,
    sources: {
      site: { type: 'geojson', data: siteToGeoJson(content.site) as GeoJsonData },
      pins: {
        type: 'geojson',
        data: pinCollection(content.pins) as GeoJsonData,
        cluster: true,
        clusterRadius: 24,
        clusterMaxZoom: 17,
      },
      draft: { type: 'geojson', data: draftCollection(content.draft) as GeoJsonData },
    },
    layers: [
      { id: 'ground', type: 'background', paint: { 'background-color': '#f3efe8' } },
      {
        id: 'buildings',
        type: 'fill',
        source: 'site',
        filter: ['==', ['get', 'place'], 'building'],
        paint: { 'fill-color': '#d8d2c6' },
      },
      {
        id: 'building-outlines',
        type: 'line',
        source: 'site',
        filter: ['==', ['get', 'place'], 'building'],
        paint: { 'line-color': '#6b6256', 'line-width': 1.5 },
      },
      {
        id: 'pickup-points',
        type: 'circle',
        source: 'site',
        filter: ['==', ['get', 'place'], 'pickup'],
        paint: {
          'circle-radius': 7,
          'circle-color': '#ffffff',
          'circle-stroke-color': '#5b3d8a',
          'circle-stroke-width': 3,
        },
      },
      {
        id: 'pin-clusters',
        type: 'circle',
        source: 'pins',
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': '#4a443c',
          'circle-radius': ['step', ['get', 'point_count'], 12, 10, 16, 50, 20],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'pins',
        type: 'circle',
        source: 'pins',
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-radius': ['case', ['==', ['get', 'urgency'], 'urgent'], 8, 6],
          'circle-color': [
            'match',
            ['get', 'type'],
            'need',
            TYPE_COLOUR.need,
            'offer',
            TYPE_COLOUR.offer,
            TYPE_COLOUR.swap,
          ],
          'circle-stroke-color': ['case', ['==', ['get', 'urgency'], 'urgent'], '#000000', '#ffffff'],
          'circle-stroke-width': ['case', ['==', ['get', 'urgency'], 'urgent'], 3, 1.5],
        },
      },
      {
        id: 'draft-line',
        type: 'line',
        source: 'draft',
        filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': '#b4441e', 'line-width': 2, 'line-dasharray': [2, 1] },
      },
      {
        id: 'draft-corners',
        type: 'circle',
        source: 'draft',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 5, 'circle-color': '#b4441e' },
      },
    ],
  };
}
