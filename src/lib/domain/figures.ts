import { isoDateOfMs } from './calendar.ts';
import type { PostState } from './fold/post-state.ts';
import { hlcMs } from './hlc.ts';
import { lineKey, URGENCIES, type PostType } from './kinds/post.ts';
import { placeKey } from './kinds/site.ts';

const DAY_MS = 86_400_000;

/** Days the charts show, ending today. */
export const FIGURE_DAYS = 14;

/** How the figures see a post: when it closed as done (resolved, or a volunteer's closing outcome), and the outcome. */
export interface Closure {
  /** When it was resolved by its author or closed by a volunteer's outcome; null while not done. */
  doneAtMs(post: PostState): number | null;
  /** A volunteer's outcome code, if one was recorded. */
  outcomeOf(post: PostState): string | undefined;
}

/** Which posts a figure counts: one item (lineKey), one building (as posts name it), or all. */
export interface FigureFilter {
  readonly item?: string;
  readonly building?: string;
}

/** Needs and offers opened and done on one day. Swaps count as offers of what they give. */
export interface DayFigures {
  readonly day: string;
  readonly needsOpened: number;
  readonly offersOpened: number;
  readonly needsDone: number;
  readonly offersDone: number;
}

const side = (type: PostType): 'need' | 'offer' => (type === 'need' ? 'need' : 'offer');

function matches(post: PostState, filter: FigureFilter): boolean {
  if (filter.building !== undefined && placeKey(post.body.where.building) !== placeKey(filter.building)) return false;
  if (filter.item !== undefined && !post.body.items.some((line) => lineKey(line) === filter.item)) return false;
  return true;
}

/** The `count` days up to the one of `nowMs`, oldest first, as `dayOf` names them (local dates). */
export function lastDays(nowMs: number, count: number, dayOf: (ms: number) => string): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(dayOf(nowMs - i * DAY_MS));
  return [...new Set(days)];
}

/** Needs and offers opened and done per day over `days` (names as `dayOf` gives them). */
export function dailyFigures(
  posts: Iterable<PostState>,
  closure: Closure,
  days: readonly string[],
  dayOf: (ms: number) => string,
  filter: FigureFilter = {},
): DayFigures[] {
  const rows = new Map(days.map((day) => [day, { day, needsOpened: 0, offersOpened: 0, needsDone: 0, offersDone: 0 }]));
  for (const post of posts) {
    if (!matches(post, filter)) continue;
    const need = side(post.body.type) === 'need';
    const opened = rows.get(dayOf(hlcMs(post.at)));
    if (opened) {
      if (need) opened.needsOpened++;
      else opened.offersOpened++;
    }
    const doneAt = closure.doneAtMs(post);
    const done = doneAt === null ? undefined : rows.get(dayOf(doneAt));
    if (done) {
      if (need) done.needsDone++;
      else done.offersDone++;
    }
  }
  return [...rows.values()];
}

/** The median time from posting to done, of the needs (or offers) done; null if none is. */
export function medianTimeToDoneMs(
  posts: Iterable<PostState>,
  closure: Closure,
  type: 'need' | 'offer',
  filter: FigureFilter = {},
): number | null {
  const spans: number[] = [];
  for (const post of posts) {
    if (side(post.body.type) !== type || !matches(post, filter)) continue;
    const doneAt = closure.doneAtMs(post);
    if (doneAt !== null) spans.push(Math.max(0, doneAt - hlcMs(post.at)));
  }
  if (spans.length === 0) return null;
  spans.sort((a, b) => a - b);
  const mid = Math.floor(spans.length / 2);
  return spans.length % 2 === 1 ? spans[mid]! : (spans[mid - 1]! + spans[mid]!) / 2;
}

/** Open needs against open offers of one thing (an item, or a building). */
export interface SupplyDemand {
  readonly key: string;
  readonly needs: number;
  readonly offers: number;
}

/**
 * Open needs and offers per item (lineKey) and per building (as the site or the posts name it),
 * the largest shortfall first: what the compound lacks most, and where.
 */
export function supplyAndDemand(openPosts: Iterable<PostState>): {
  readonly items: SupplyDemand[];
  readonly buildings: SupplyDemand[];
} {
  const items = new Map<string, { key: string; needs: number; offers: number }>();
  const buildings = new Map<string, { key: string; needs: number; offers: number }>();
  const count = (map: typeof items, key: string, need: boolean) => {
    const row = map.get(placeKey(key)) ?? { key, needs: 0, offers: 0 };
    if (need) row.needs++;
    else row.offers++;
    map.set(placeKey(key), row);
  };
  for (const post of openPosts) {
    const need = side(post.body.type) === 'need';
    for (const line of post.body.items) count(items, lineKey(line), need);
    if (post.body.where.building) count(buildings, post.body.where.building, need);
  }
  const order = (a: SupplyDemand, b: SupplyDemand) =>
    b.needs - b.offers - (a.needs - a.offers) || b.needs - a.needs || (a.key < b.key ? -1 : 1);
  return { items: [...items.values()].sort(order), buildings: [...buildings.values()].sort(order) };
}

/** A time as ISO 8601 in UTC to the minute, without the Date global. */
function isoMinute(ms: number): string {
  const inDay = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${isoDateOfMs(ms)}T${pad(Math.floor(inDay / 3_600_000))}:${pad(Math.floor(inDay / 60_000) % 60)}Z`;
}

/** A CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_COLUMNS = [
  'type',
  'items',
  'urgency',
  'for_vulnerable',
  'building',
  'opened_utc',
  'status',
  'done_utc',
  'outcome',
  'hours_to_done',
] as const;

/**
 * The posts as CSV for the compound's own figures, without private data: no names, keys, ids,
 * notes, floors or free text ("other" items are "other"). `status` is as residents see it now.
 */
export function postsCsv(posts: Iterable<PostState>, closure: Closure, statusOf: (post: PostState) => string): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const post of posts) {
    const openedMs = hlcMs(post.at);
    const doneAt = closure.doneAtMs(post);
    const items = post.body.items.map((line) => `${line.item}x${line.qty}`).join(' ');
    lines.push(
      [
        post.body.type,
        items,
        post.body.urgency,
        post.body.groups.length > 0 ? 'yes' : 'no',
        post.body.where.building,
        isoMinute(openedMs),
        statusOf(post),
        doneAt === null ? '' : isoMinute(doneAt),
        closure.outcomeOf(post) ?? '',
        doneAt === null ? '' : ((doneAt - openedMs) / 3_600_000).toFixed(1),
      ]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** One building's open needs on the lobby sheet. */
export interface LobbyBuilding {
  /** The building as posts name it; '' for needs that name none. */
  readonly building: string;
  readonly needs: readonly PostState[];
}

/**
 * The printable lobby sheet: open needs by building (buildings in name order, needs without one
 * last), the most urgent first, then the oldest. The sheet shows items, urgency and age only.
 */
export function lobbySheet(openPosts: Iterable<PostState>): LobbyBuilding[] {
  const byBuilding = new Map<string, { building: string; needs: PostState[] }>();
  for (const post of openPosts) {
    if (post.body.type !== 'need') continue;
    const key = placeKey(post.body.where.building);
    const entry = byBuilding.get(key) ?? { building: post.body.where.building.trim(), needs: [] };
    entry.needs.push(post);
    byBuilding.set(key, entry);
  }
  const urgency = (post: PostState) => URGENCIES.indexOf(post.body.urgency);
  for (const entry of byBuilding.values())
    entry.needs.sort((a, b) => urgency(a) - urgency(b) || a.activeSinceMs - b.activeSinceMs);
  return [...byBuilding.values()].sort((a, b) =>
    a.building === '' ? 1 : b.building === '' ? -1 : a.building.localeCompare(b.building, 'en', { numeric: true }),
  );
}
