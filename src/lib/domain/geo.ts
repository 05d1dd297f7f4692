/** A position as GeoJSON writes it: longitude, then latitude, in degrees (WGS 84). */
export type LngLat = readonly [lng: number, lat: number];

/** The Earth's mean radius in metres (IUGG), for straight-line distances. */
const EARTH_RADIUS_M = 6_371_008.8;

/** Degrees of latitude a shared device location is rounded to: 0.001° is about 111 m. */
export const LOCATION_STEP_DEG = 0.001;

/** Which way an arrow moves something drawn on the site. */
export type Direction = 'north' | 'south' | 'west' | 'east';

/** About 5 m, in degrees: one press of an arrow that moves a building, a corner or a point. */
export const STEP_DEG = 0.00005;
/** The arrows' offsets, in degrees of longitude and latitude. */
export const STEPS: Readonly<Record<Direction, LngLat>> = {
  north: [0, STEP_DEG],
  south: [0, -STEP_DEG],
  west: [-STEP_DEG, 0],
  east: [STEP_DEG, 0],
};

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Straight-line (great-circle, haversine) distance between two positions, in metres. */
export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A device location rounded to about 100 m, so "near me" never tells neighbours which flat or
 * even which building a resident is in. Longitude steps widen with latitude so the cell stays
 * about 100 m wide away from the equator.
 */
export function roundLocation(at: LngLat): LngLat {
  const snap = (value: number, step: number) => Number((Math.round(value / step) * step).toFixed(6));
  const lat = snap(at[1], LOCATION_STEP_DEG);
  // The longitude grid follows the rounded latitude, so every location of a cell shares one grid.
  const lngStep = LOCATION_STEP_DEG / Math.max(0.1, Math.cos(rad(lat)));
  return [snap(at[0], lngStep), lat];
}

/** A distance for display: whole metres rounded to 10 m under 1 km, else kilometres to 0.1. */
export function roundedDistance(m: number): { readonly value: number; readonly unit: 'meter' | 'kilometer' } {
  if (m < 995) return { value: Math.max(10, Math.round(m / 10) * 10), unit: 'meter' };
  return { value: Math.round(m / 100) / 10, unit: 'kilometer' };
}

/** The centre of a ring's vertices (a ring is given without repeating its first vertex). */
export function centreOf(ring: readonly LngLat[]): LngLat {
  let lng = 0;
  let lat = 0;
  for (const [x, y] of ring) {
    lng += x;
    lat += y;
  }
  return [lng / ring.length, lat / ring.length];
}

/** Twice the signed area of a ring in degrees² (shoelace); 0 for a degenerate one. */
export function ringArea2(ring: readonly LngLat[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

function cross(o: LngLat, a: LngLat, b: LngLat): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: LngLat, q: LngLat, r: LngLat): boolean {
  return (
    Math.min(p[0], r[0]) <= q[0] &&
    q[0] <= Math.max(p[0], r[0]) &&
    Math.min(p[1], r[1]) <= q[1] &&
    q[1] <= Math.max(p[1], r[1])
  );
}

/** Whether segments p1–p2 and q1–q2 touch or cross (collinear overlaps included). */
export function segmentsIntersect(p1: LngLat, p2: LngLat, q1: LngLat, q2: LngLat): boolean {
  const d1 = Math.sign(cross(q1, q2, p1));
  const d2 = Math.sign(cross(q1, q2, p2));
  const d3 = Math.sign(cross(p1, p2, q1));
  const d4 = Math.sign(cross(p1, p2, q2));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  if (d1 === 0 && onSegment(q1, p1, q2)) return true;
  if (d2 === 0 && onSegment(q1, p2, q2)) return true;
  if (d3 === 0 && onSegment(p1, q1, p2)) return true;
  if (d4 === 0 && onSegment(p1, q2, p2)) return true;
  return false;
}

/**
 * Whether a ring (without its closing vertex) is simple: no two edges meet except neighbours at
 * their shared corner. O(n²), which is fine at the vertex limit of a site's building.
 */
export function isSimpleRing(ring: readonly LngLat[]): boolean {
  const n = ring.length;
  if (n < 3) return false;
  for (let i = 0; i < n; i++) {
    const a1 = ring[i]!;
    const a2 = ring[(i + 1) % n]!;
    if (a1[0] === a2[0] && a1[1] === a2[1]) return false;
    for (let j = i + 1; j < n; j++) {
      // Neighbouring edges share a corner; they may only meet there.
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsIntersect(a1, a2, ring[j]!, ring[(j + 1) % n]!)) return false;
    }
  }
  // Two neighbouring edges folding back onto each other (a spike) also cross themselves.
  for (let i = 0; i < n; i++) {
    const prev = ring[(i + n - 1) % n]!;
    const here = ring[i]!;
    const next = ring[(i + 1) % n]!;
    if (
      cross(prev, here, next) === 0 &&
      (next[0] - here[0]) * (prev[0] - here[0]) + (next[1] - here[1]) * (prev[1] - here[1]) > 0
    )
      return false;
  }
  return ringArea2(ring) !== 0;
}
