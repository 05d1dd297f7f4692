// Scenario `coldstart`: reload a peer with N records stored in IndexedDB, to a rendered list.
// Times count from the reload's navigation start, so they include unloading the previous (large)
// page. Seeding 50,000 records takes minutes, so a size the receive scenario needs too is seeded
// once (SquarePool). Each size is reloaded with the stored document loaded in pieces (the app)
// and, as the baseline in the same run, in one step as y-indexeddb does (`?docload=whole`).
// Interactive: the end of the last task of 50 ms or more before the board is idle (or the list's
// next frame, if later): from then on the page answers a tap at once.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { boardIdle } from '../../tests/support/page-driver.ts';
import { printProfile, startProfile, summarise } from '../support/cpu-profile.ts';
import type { Peer } from '../support/peer.ts';
import { bytes, log, median, ms, printTable, round, sleep } from '../support/report.ts';
import { describeMix, recordsOf, type RecordMix } from '../support/seed.ts';
import type { BenchContext, Scenario } from './scenario.ts';

interface ColdStartRun {
  /** Navigation start → Posts list has an item and the count text reads "N posts" (DOM). */
  readonly listMs: number;
  /** Navigation start → first list item in the DOM. */
  readonly firstItemMs: number;
  /** Navigation start → count text "N posts" in the DOM. */
  readonly countMs: number;
  /** Navigation start → the frame after the list was ready (rAF + setTimeout 0): roughly painted. */
  readonly frameMs: number;
  /** Navigation start → `window.kaifong` set: document loaded from y-indexeddb, board attached. */
  readonly kaifongMs: number;
  readonly domContentLoadedMs: number;
  /** List items in the DOM once ready (equal to N when every post is rendered). */
  readonly renderedItems: number;
  readonly domNodes: number;
  /** performance.memory.usedJSHeapSize when the list was ready (includes garbage). */
  readonly jsHeapBytes: number | null;
  /** JS heap in use after a forced garbage collection (CDP), once the board is idle. */
  readonly jsHeapAfterGcBytes: number;
  readonly serviceWorker: boolean;
  /** Navigation start → the board idle (attached, every record checked, vault written). */
  readonly idleMs: number;
  /** The list's next frame, or the end of the last task of 50 ms or more before idle if later. */
  readonly interactiveMs: number;
  /** The longest task that started once the list was ready, until idle: how long the page froze. */
  readonly longestAfterListMs: number;
}

/** How the stored document loads: in pieces (the app), or in one step (`?docload=whole`, the baseline). */
const DOC_LOADS = ['pieces', 'whole'] as const;
type DocLoad = (typeof DOC_LOADS)[number];

type ColdStartMedian = Pick<
  ColdStartRun,
  | 'listMs'
  | 'firstItemMs'
  | 'countMs'
  | 'frameMs'
  | 'kaifongMs'
  | 'domContentLoadedMs'
  | 'idleMs'
  | 'interactiveMs'
  | 'longestAfterListMs'
>;

interface ColdStartResult {
  readonly posts: number;
  /** Members with profiles, roles and vouches, who wrote the posts (0: many neighbours' fresh keys). */
  readonly members: number;
  /** Records seeded: posts × (1 + updatesPerPost). */
  readonly records: number;
  readonly updatesPerPost: number;
  /** Time to write the records through board.publishPost/updatePost, and until whenIdle resolved. */
  readonly seedMs: number;
  /** Of seedMs: until every publishPost/updatePost call had resolved (signed, in the doc, rendered). */
  readonly seedPublishMs: number;
  /** After seedMs, until IndexedDB had committed everything (see SeedTiming.flushMs). */
  readonly seedFlushMs: number;
  /** Records per second (equal to posts per second without updates). */
  readonly seedPostsPerSecond: number;
  /** navigator.storage.estimate() usage after seeding (IndexedDB, caches, everything). */
  readonly storageBytes: number | null;
  readonly median: ColdStartMedian;
  readonly runs: ColdStartRun[];
  /** The same reloads with the document applied in one step, as before issue 15. */
  readonly baseline: { readonly median: ColdStartMedian; readonly runs: ColdStartRun[] };
}

interface ColdMarks {
  firstItem?: number;
  count?: number;
  list?: number;
  frame?: number;
  kaifong?: number;
  items?: number;
  longTasks: [number, number][];
}
type ProbeWindow = Window & { __coldStart?: ColdMarks };

/**
 * Runs at document start of every navigation (page.addInitScript): records, on the page's own
 * navigation-relative clock, when the list and the count text appear and when the app sets
 * `window.kaifong` (through a setter on window, so no polling delay). Serialised into the page.
 */
function coldStartProbe(expected: number): void {
  const marks: ColdMarks = { longTasks: [] };
  const w = window as ProbeWindow;
  w.__coldStart = marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) marks.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  let handle: unknown;
  Object.defineProperty(window, 'kaifong', {
    configurable: true,
    enumerable: true,
    get: () => handle,
    set: (value: unknown) => {
      handle = value;
      marks.kaifong ??= performance.now();
    },
  });
  const countText = expected === 1 ? '1 post' : `${expected} posts`;
  const observer = new MutationObserver(() => {
    const now = performance.now();
    const list = document.querySelector('ul[aria-label="Posts"]');
    if (!list) return;
    if (marks.firstItem === undefined && list.querySelector(':scope > li')) marks.firstItem = now;
    if (marks.count === undefined) {
      for (const p of document.querySelectorAll('p[aria-live="polite"]')) {
        if (p.textContent?.trim() === countText) marks.count = now;
      }
    }
    if (marks.firstItem !== undefined && marks.count !== undefined) {
      marks.list = now;
      marks.items = list.querySelectorAll(':scope > li').length;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => (marks.frame = performance.now())));
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** JS heap in use after a forced full garbage collection, through the DevTools protocol. */
async function heapAfterGc(peer: Peer): Promise<number> {
  const cdp = await peer.context.newCDPSession(peer.page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

/** One reload; with `profileTo`, a CPU profile of it until the board is idle is written there. */
async function coldStartOnce(peer: Peer, timeout: number, profileTo: string | null = null): Promise<ColdStartRun> {
  const profiler = profileTo ? await startProfile(peer.page) : null;
  await peer.page.reload({ waitUntil: 'commit', timeout });
  await peer.page.waitForFunction(
    () => {
      const m = (window as ProbeWindow).__coldStart;
      return m?.frame !== undefined && m.kaifong !== undefined;
    },
    undefined,
    { timeout, polling: 100 },
  );
  const run = await peer.page.evaluate(() => {
    const m = (window as ProbeWindow).__coldStart as Required<ColdMarks>;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    return {
      listMs: m.list,
      firstItemMs: m.firstItem,
      countMs: m.count,
      frameMs: m.frame,
      kaifongMs: m.kaifong,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? NaN,
      renderedItems: m.items,
      domNodes: document.getElementsByTagName('*').length,
      jsHeapBytes: memory?.usedJSHeapSize ?? null,
      serviceWorker: navigator.serviceWorker?.controller != null,
    };
  });
  // Let the board finish what it started (attach, y-indexeddb's write on open) before the next reload.
  const idle = await peer.page.evaluate(async () => {
    await (window as Window & { kaifong?: { board: { whenIdle(): Promise<void> } } }).kaifong?.board.whenIdle();
    const at = performance.now();
    const tasks = (window as ProbeWindow).__coldStart!.longTasks.filter(([start]) => start <= at);
    return { at, tasks };
  });
  if (profiler && profileTo) {
    const profile = await profiler.stop();
    mkdirSync(dirname(profileTo), { recursive: true });
    writeFileSync(profileTo, JSON.stringify(profile));
    log(`CPU profile written to ${profileTo}`);
    printProfile('cold start: the page until the board is idle', summarise(profile, 'dist'));
  }
  await boardIdle(peer.page);
  await sleep(1000);
  const lastEnd = Math.max(0, ...idle.tasks.map(([start, duration]) => start + duration));
  const afterList = idle.tasks.filter(([start]) => start >= run.listMs).map(([, duration]) => duration);
  const jsHeapAfterGcBytes = await heapAfterGc(peer);
  return {
    ...run,
    jsHeapAfterGcBytes,
    idleMs: round(idle.at),
    interactiveMs: round(Math.max(run.frameMs, lastEnd)),
    longestAfterListMs: round(Math.max(0, ...afterList)),
    listMs: round(run.listMs),
    firstItemMs: round(run.firstItemMs),
    countMs: round(run.countMs),
    frameMs: round(run.frameMs),
    kaifongMs: round(run.kaifongMs),
    domContentLoadedMs: round(run.domContentLoadedMs),
  };
}

/** The key of a cold start size in the results: "10000" (posts), "50000r" (records in the mix), "10000+2000m". */
function sizeKey(mix: RecordMix): string {
  const size = mix.updatesPerPost === 0 ? String(mix.posts) : `${mix.posts * (1 + mix.updatesPerPost)}r`;
  return mix.members ? `${size}+${mix.members}m` : size;
}

async function coldStartSize({ options, pool }: BenchContext, mix: RecordMix): Promise<ColdStartResult> {
  const size = sizeKey(mix);
  const records = recordsOf(mix);
  const square = await pool.take(mix, `coldstart ${size}`);
  const { peer, seed, storageBytes } = square;
  try {
    const seedMs = seed.totalMs;
    log(`coldstart ${size}: seeded in ${ms(seedMs)}; storage ${bytes(storageBytes ?? undefined)}`);

    // From here on, every navigation of this context carries the probe.
    await peer.context.addInitScript(coldStartProbe, mix.posts);
    const timeout = 10 * 60_000;
    const fragment = square.link.slice(square.link.indexOf('#'));
    const byLoad = {} as Record<DocLoad, ColdStartRun[]>;
    // The baseline first, over the storage as seeding left it; the app's first reload may then
    // find a large update y-indexeddb wrote and store it again in pieces (once).
    for (const load of [...DOC_LOADS].reverse()) {
      await peer.page.goto(`${new URL(peer.page.url()).origin}/${load === 'whole' ? '?docload=whole' : ''}${fragment}`);
      await boardIdle(peer.page);
      const runs: ColdStartRun[] = (byLoad[load] = []);
      for (let i = 0; i < options.reloads; i++) {
        const last = i === options.reloads - 1;
        const profileTo =
          options.profile && last ? join(dirname(options.out), `profile-coldstart-${size}-${load}.cpuprofile`) : null;
        const run = await coldStartOnce(peer, timeout, profileTo);
        if (run.renderedItems < 1) throw new Error('list ready without items');
        runs.push(run);
        log(
          `coldstart ${size} (${load}): reload ${i + 1}/${options.reloads}: list ${ms(run.listMs)}, kaifong ${ms(run.kaifongMs)}, interactive ${ms(run.interactiveMs)}, longest task after the list ${ms(run.longestAfterListMs)}, idle ${ms(run.idleMs)}`,
        );
      }
    }
    const medianOf = (runs: readonly ColdStartRun[]): ColdStartMedian => {
      const med = (key: keyof ColdStartMedian) => round(median(runs.map((r) => r[key])));
      return {
        listMs: med('listMs'),
        firstItemMs: med('firstItemMs'),
        countMs: med('countMs'),
        frameMs: med('frameMs'),
        kaifongMs: med('kaifongMs'),
        domContentLoadedMs: med('domContentLoadedMs'),
        idleMs: med('idleMs'),
        interactiveMs: med('interactiveMs'),
        longestAfterListMs: med('longestAfterListMs'),
      };
    };
    return {
      posts: mix.posts,
      members: mix.members ?? 0,
      records,
      updatesPerPost: mix.updatesPerPost,
      seedMs: round(seedMs),
      seedPublishMs: round(seed.publishMs),
      seedFlushMs: round(seed.flushMs),
      seedPostsPerSecond: round(records / (seedMs / 1000)),
      storageBytes,
      median: medianOf(byLoad.pieces),
      runs: byLoad.pieces,
      baseline: { median: medianOf(byLoad.whole), runs: byLoad.whole },
    };
  } finally {
    await pool.release(square);
  }
}

async function measure(ctx: BenchContext): Promise<Record<string, ColdStartResult>> {
  const out: Record<string, ColdStartResult> = {};
  for (const mix of ctx.options.coldstartSizes) {
    out[sizeKey(mix)] = await coldStartSize(ctx, mix);
    ctx.partial(out);
  }
  return out;
}

function printColdStart(r: Record<string, ColdStartResult>): void {
  const rows: string[][] = [];
  for (const res of Object.values(r)) {
    const each = (key: keyof ColdStartRun) => res.runs.map((run) => ms(run[key] as number)).join(', ');
    rows.push([
      describeMix({ posts: res.posts, updatesPerPost: res.updatesPerPost, members: res.members }),
      'list rendered + count',
      ms(res.median.listMs),
      each('listMs'),
    ]);
    rows.push(['', 'next frame after list', ms(res.median.frameMs), each('frameMs')]);
    rows.push(['', 'window.kaifong (attached)', ms(res.median.kaifongMs), each('kaifongMs')]);
    const base = (key: keyof ColdStartRun) => res.baseline.runs.map((run) => ms(run[key] as number)).join(', ');
    rows.push(['', 'interactive', ms(res.median.interactiveMs), each('interactiveMs')]);
    rows.push(['', '  baseline: document in one step', ms(res.baseline.median.interactiveMs), base('interactiveMs')]);
    rows.push(['', 'longest task after the list', ms(res.median.longestAfterListMs), each('longestAfterListMs')]);
    rows.push([
      '',
      '  baseline: document in one step',
      ms(res.baseline.median.longestAfterListMs),
      base('longestAfterListMs'),
    ]);
    rows.push(['', 'board idle', ms(res.median.idleMs), each('idleMs')]);
    rows.push(['', '  baseline: document in one step', ms(res.baseline.median.idleMs), base('idleMs')]);
    rows.push(['', 'DOMContentLoaded', ms(res.median.domContentLoadedMs), each('domContentLoadedMs')]);
    const last = res.runs[res.runs.length - 1];
    rows.push([
      '',
      'seed (publish, then idle) / storage',
      ms(res.seedMs),
      `${ms(res.seedPublishMs)} writing + rest until whenIdle(); then ${ms(res.seedFlushMs)} until IndexedDB committed; ${bytes(res.storageBytes ?? undefined)} stored`,
    ]);
    rows.push([
      '',
      'after the last reload',
      '',
      `${last?.renderedItems} items, ${last?.domNodes} DOM nodes; JS heap ${bytes(last?.jsHeapBytes ?? undefined)} at list, ${bytes(last?.jsHeapAfterGcBytes)} after GC`,
    ]);
  }
  printTable(
    'Cold start (page.reload) to a rendered list; times from navigation start',
    ['board', 'measure', 'median', 'runs'],
    rows,
  );
}

/** Cold start to a rendered list, one board size after another. */
export const coldStartScenario: Scenario = {
  name: 'coldstart',
  key: 'coldStart',
  summary: 'reload with N records stored, to a rendered list',
  run: async (ctx) => {
    const result = await measure(ctx);
    return { json: result, print: () => printColdStart(result) };
  },
};
