// Scenario `map` (issue 14): the Map view with a crowded square. The founder saves a site of 12
// buildings (as drawing or importing it does: one signed site record), neighbours' posts are
// placed in those buildings, and the page is reloaded. Then, on the page's own clock: pressing
// "Map" (a capture listener on the button) → the map's first `idle` (the `kaifong:map-idle` mark
// src/lib/map/site-map.ts sets: style, sources and every pin drawn). "Cold" is the first press
// after a reload (the map's code comes from the service worker or the HTTP cache, not memory);
// "warm" closes the map and presses again. The size is of what the browser fetched between the
// press and idle: the lazily loaded map chunk(s), as the gzip files the server sends.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { roundCoordinate, type SiteBody } from '../../src/lib/domain/kinds/site.ts';
import { MAP_IDLE_MARK } from '../../src/lib/map/style.ts';
import {
  boardIdle,
  createSquare,
  postCountOf,
  roomOf,
  waitForHandle,
  type KaifongWindow,
} from '../../tests/support/page-driver.ts';
import { openPeer, type Peer } from '../support/peer.ts';
import { bytes, log, median, ms, printTable, round } from '../support/report.ts';
import { seedRecords } from '../support/seed.ts';
import type { BenchContext, Scenario } from './scenario.ts';

/** Posts placed on the map (the issue asks for 2,000). */
const MAP_POSTS = 2000;
const QUICK_MAP_POSTS = 200;
const CLICK_MARK = 'bench:map-press';

interface MapRun {
  /** Press on "Map" → the map's first idle, in ms. */
  readonly toIdleMs: number;
  /** Features MapLibre rendered at that idle in the pin layers, and the posts they stand for. */
  readonly renderedFeatures: number;
  readonly renderedPosts: number;
}

interface MapChunk {
  readonly path: string;
  readonly gzip: number;
}

interface MapResult {
  readonly posts: number;
  readonly buildings: number;
  readonly cold: MapRun[];
  readonly warm: MapRun[];
  readonly median: { readonly coldMs: number; readonly warmMs: number };
  /** What the first press fetched: the lazily loaded map chunk(s), gzip. */
  readonly chunks: MapChunk[];
  readonly chunksGzipBytes: number;
}

/** Twelve 20 m blocks in a 4 × 3 grid some 65 m apart, named as bench/support/seed.ts places posts. */
function benchSite(): SiteBody {
  const lng = 114.17;
  const lat = 22.3;
  const buildings = Array.from({ length: 12 }, (_, i) => {
    const x = lng + (i % 4) * 0.0006;
    const y = lat + Math.floor(i / 4) * 0.0006;
    const corners: [number, number][] = [
      [x, y],
      [x + 0.0002, y],
      [x + 0.0002, y + 0.0002],
      [x, y + 0.0002],
    ];
    return {
      name: `Block ${i + 1}`,
      ring: corners.map(([a, b]) => [roundCoordinate(a), roundCoordinate(b)] as const),
    };
  });
  return { buildings, points: [{ name: 'Main gate', at: [roundCoordinate(lng - 0.0003), lat] }] };
}

function gzipSize(file: string): number {
  const gz = `${file}.gz`;
  return existsSync(gz) ? statSync(gz).size : gzipSync(readFileSync(file), { level: 9 }).length;
}

/** Presses "Map" and waits for the map's first idle; returns the run, measured in the page. */
async function pressMap(peer: Peer): Promise<MapRun> {
  const { page } = peer;
  await page.evaluate(
    ([press, idle]) => {
      performance.clearMarks(press);
      performance.clearMarks(idle);
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Map');
      if (!button) throw new Error('no Map button');
      button.addEventListener('click', () => performance.mark(press), { capture: true, once: true });
    },
    [CLICK_MARK, MAP_IDLE_MARK] as const,
  );
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await page.waitForFunction((idle) => performance.getEntriesByName(idle).length > 0, MAP_IDLE_MARK, {
    timeout: 120_000,
  });
  return page.evaluate(
    ([press, idle]) => {
      const start = performance.getEntriesByName(press)[0]!.startTime;
      const end = performance.getEntriesByName(idle)[0]!.startTime;
      type Rendered = { properties: Record<string, unknown> }[];
      const handle = (window as { kaifongMap?: { map: { queryRenderedFeatures(o: unknown): Rendered } } }).kaifongMap;
      const features = handle?.map.queryRenderedFeatures({ layers: ['pins', 'pin-clusters'] }) ?? [];
      const posts = features.reduce((n, f) => n + (Number(f.properties['point_count']) || 1), 0);
      return { toIdleMs: end - start, renderedFeatures: features.length, renderedPosts: posts };
    },
    [CLICK_MARK, MAP_IDLE_MARK] as const,
  );
}

async function closeMap(peer: Peer): Promise<void> {
  const dialog = peer.page.getByRole('dialog', { name: 'Map of the compound' });
  await dialog.getByRole('button', { name: 'Close the map' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

async function reload(peer: Peer, posts: number): Promise<void> {
  await peer.page.reload();
  await waitForHandle(peer.page, 120_000);
  await boardIdle(peer.page);
  await peer.page.getByRole('list', { name: 'Posts' }).getByRole('listitem').first().waitFor({ timeout: 120_000 });
  const held = await postCountOf(peer.page);
  if (held !== posts) throw new Error(`the board holds ${held} posts, not ${posts}`);
}

async function measure({ browser, serverUrl, options }: BenchContext): Promise<MapResult> {
  const posts = options.quick ? QUICK_MAP_POSTS : MAP_POSTS;
  const peer = await openPeer(browser, serverUrl, 'map');
  try {
    const link = await createSquare(peer.page, 'Bench Map Court', 'Bench founder');
    const site = benchSite();
    const saved = await peer.page.evaluate(
      (body) => (window as KaifongWindow).kaifong!.board.commands.saveSite(body),
      site,
    );
    if (!saved.ok) throw new Error(`the site was refused: ${saved.reason}`);
    await seedRecords(peer.page, roomOf(link), { posts, updatesPerPost: 0 }, options.chunk, 'map');
    await peer.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    const cold: MapRun[] = [];
    const warm: MapRun[] = [];
    const fetched = new Set<string>();
    for (let i = 0; i < options.reloads; i++) {
      await reload(peer, posts);
      const record = (request: { url(): string }) => fetched.add(new URL(request.url()).pathname);
      if (i === 0) peer.context.on('request', record);
      cold.push(await pressMap(peer));
      if (i === 0) peer.context.off('request', record);
      await closeMap(peer);
      warm.push(await pressMap(peer));
      await closeMap(peer);
      log(`map: run ${i + 1}/${options.reloads}: cold ${ms(cold[i]!.toIdleMs)}, warm ${ms(warm[i]!.toIdleMs)}`);
    }
    const chunks = [...fetched]
      .filter((path) => /^\/assets\/.+\.(m?js|css)$/.test(path))
      .map((path) => ({ path: path.slice(1), gzip: gzipSize(join('dist', path)) }))
      .sort((a, b) => b.gzip - a.gzip);
    return {
      posts,
      buildings: site.buildings.length,
      cold,
      warm,
      median: {
        coldMs: round(median(cold.map((r) => r.toIdleMs))),
        warmMs: round(median(warm.map((r) => r.toIdleMs))),
      },
      chunks,
      chunksGzipBytes: chunks.reduce((sum, c) => sum + c.gzip, 0),
    };
  } finally {
    await peer.context.close().catch(() => undefined);
  }
}

function printMap(r: MapResult): void {
  const runs = (list: readonly MapRun[]) => list.map((run) => ms(run.toIdleMs)).join(', ');
  const drawn = (list: readonly MapRun[]) =>
    list.map((run) => `${run.renderedPosts} posts in ${run.renderedFeatures} features`).join('; ');
  printTable(
    `Press "Map" → first idle, ${r.posts} posts in ${r.buildings} buildings (page clock)`,
    ['open', 'median', 'runs', 'drawn at idle'],
    [
      ['cold (after a reload)', ms(r.median.coldMs), runs(r.cold), drawn(r.cold)],
      ['warm (closed, opened again)', ms(r.median.warmMs), runs(r.warm), drawn(r.warm)],
    ],
  );
  printTable(
    'What the first press fetched (gzip, as the server sends it)',
    ['file', 'gzip'],
    [...r.chunks.map((c) => [c.path, bytes(c.gzip)]), ['total', bytes(r.chunksGzipBytes)]],
  );
}

export const mapScenario: Scenario = {
  name: 'map',
  key: 'map',
  summary: 'press "Map" → first idle with 2,000 posts on a drawn site, and the lazily loaded map chunk size',
  run: async (ctx) => {
    const result = await measure(ctx);
    return { json: result, print: () => printMap(result) };
  },
};
