// App benchmark: the built PWA in headless Chromium against the real signalling server.
// Run: npm run bench   (= node tests/support/run-e2e.mjs --bench: builds, then runs this file in a
// loopback-only network namespace with KAIFONG_CHROMIUM set). To iterate on one scenario:
//   node tests/support/run-e2e.mjs --bench --only=publish
//   node tests/support/run-e2e.mjs --bench --only=coldstart --sizes=1000
//   node tests/support/run-e2e.mjs --bench --only=receive --sizes=1000
// Scenarios: publish (publish → render latency between two peers), coldstart (reload with N
//   posts stored), receive (a newcomer receives N records; chunked vs stock y-webrtc exchange; in
//   bench/app-receive.ts), bytes (bytes per post after a simulated week; bench/app-bytes.ts).
// Flags: --only=<scenario,…>; --sizes=… (both coldstart and receive) or --coldstart-sizes=… /
//   --receive-sizes=…: a plain N is N posts for coldstart (no updates) and N records for receive;
//   Nr is N records as posts with 4 updates each (1:4 post:update mix), e.g. 50000r = 10,000
//   posts + 40,000 updates. Defaults: coldstart 1000,10000,50000r; receive 500r,1000r,10000r,50000r
//   (500 records, about 180 KiB, is a size stock y-webrtc can still carry in one message).
//   --modes=chunked,stock (receive), --stall-s=30 (stock: incomplete after this long = stalled),
//   --receive-timeout-s (chunked: default 60 s + 2 ms per record), --days=7, --posts-per-day=300,
//   --retention=default,1 (bytes: one run per retention setting, in days or the app's default),
//   --posts=50 (publish samples), --warmup=3, --gap-ms=100, --reloads=3, --chunk=200 (seeding
//   concurrency, records per batch), --timeout-min=30 (whole run), --out=bench/results/app.json.
// Seeding 50,000 records takes minutes (IndexedDB commits one y-indexeddb write per record), so a
// size both coldstart and receive use is seeded once and handed on (SquarePool in app-support.ts).
// No pass/fail targets: it measures, prints a table and writes JSON.
// Conventions: percentiles are nearest-rank (p95 of 50 samples = the 48th smallest). "Rendered"
// means inserted in the DOM, seen by a MutationObserver; "next frame" (requestAnimationFrame, then
// setTimeout 0) approximates when it was painted. Cold-start times count from the reload's
// navigation start, so they include unloading the previous (large) page.
//
// Adding a scenario: write `async function fooScenario(env): Promise<FooResult>` plus a printer,
// add an entry to SCENARIOS, and (if it has its own knobs) a flag in parseArgs.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { launchChromium } from '../tests/support/browser.ts';
import { ServerProcess } from '../tests/support/server-process.ts';
import { bytesScenarios, printBytesAll } from './app-bytes.ts';
import { EXCHANGE_MODES, printReceive, receiveScenario, type ExchangeMode } from './app-receive.ts';
import {
  boardIdle,
  bytes,
  createSquare,
  describeMix,
  joinSquare,
  log,
  median,
  ms,
  openPeer,
  postBody,
  printTable,
  recordsOf,
  round,
  sleep,
  summarize,
  waitForPeers,
  webrtcPeers,
  type BenchWindow,
  type Peer,
  type RecordMix,
  type Summary,
  mixKey,
  SquarePool,
} from './app-support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---- options -------------------------------------------------------------------------------------

const SCENARIO_NAMES = ['publish', 'coldstart', 'receive', 'bytes'] as const;
type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Updates per post when a size is given in records (`Nr`): the 1:4 post:update mix. */
const UPDATES_PER_POST = 4;

interface Options {
  readonly only: readonly ScenarioName[];
  /** Cold start boards: posts only, or records in the 1:4 mix. */
  readonly coldstartSizes: readonly RecordMix[];
  /** Receive: records, always in the 1:4 mix. */
  readonly receiveSizes: readonly RecordMix[];
  readonly modes: readonly ExchangeMode[];
  readonly stallS: number;
  readonly receiveTimeoutS: number | null;
  readonly days: number;
  readonly postsPerDay: number;
  /** Bytes runs: the founder's retention setting in days, or null for the app's default. */
  readonly retentions: readonly (number | null)[];
  readonly posts: number;
  readonly warmup: number;
  readonly gapMs: number;
  readonly reloads: number;
  readonly chunk: number;
  readonly timeoutMin: number;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg} (flags look like --name=value)`);
    flags.set(m[1] as string, m[2] ?? 'true');
  }
  const known = [
    'only',
    'sizes',
    'coldstart-sizes',
    'receive-sizes',
    'modes',
    'stall-s',
    'receive-timeout-s',
    'days',
    'posts-per-day',
    'retention',
    'posts',
    'warmup',
    'gap-ms',
    'reloads',
    'chunk',
    'timeout-min',
    'out',
  ];
  for (const name of flags.keys())
    if (!known.includes(name)) throw new Error(`unknown flag --${name}; known: ${known.join(', ')}`);
  const int = (name: string, fallback: number, min = 0): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  const only = (flags.get('only') ?? SCENARIO_NAMES.join(',')).split(',').filter(Boolean);
  for (const name of only) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name))
      throw new Error(`unknown scenario ${name}; known: ${SCENARIO_NAMES.join(', ')}`);
  }
  /** `N` (posts only, or records for receive) or `Nr` (N records in the 1:4 mix). */
  const sizes = (name: string, fallback: string, recordsOnly: boolean): RecordMix[] =>
    (flags.get(name) ?? flags.get('sizes') ?? fallback).split(',').map((raw) => {
      const m = /^(\d+)(r?)$/.exec(raw.trim());
      const n = Number(m?.[1]);
      if (!m || !Number.isInteger(n) || n < 1)
        throw new Error(`--${name}: sizes look like 1000 (posts) or 50000r (records), not ${raw}`);
      if (!m[2] && !recordsOnly) return { posts: n, updatesPerPost: 0 };
      const posts = Math.round(n / (1 + UPDATES_PER_POST));
      if (posts < 1 || posts * (1 + UPDATES_PER_POST) !== n)
        throw new Error(`--${name}: ${n} records is not a multiple of ${1 + UPDATES_PER_POST} (1 post + 4 updates)`);
      return { posts, updatesPerPost: UPDATES_PER_POST };
    });
  const modes = (flags.get('modes') ?? EXCHANGE_MODES.join(',')).split(',').filter(Boolean);
  for (const mode of modes) {
    if (!(EXCHANGE_MODES as readonly string[]).includes(mode))
      throw new Error(`unknown exchange mode ${mode}; known: ${EXCHANGE_MODES.join(', ')}`);
  }
  const receiveTimeout = flags.get('receive-timeout-s');
  return {
    only: only as ScenarioName[],
    coldstartSizes: sizes('coldstart-sizes', '1000,10000,50000r', false),
    receiveSizes: sizes('receive-sizes', '500r,1000r,10000r,50000r', true),
    modes: modes as ExchangeMode[],
    stallS: int('stall-s', 30, 1),
    receiveTimeoutS: receiveTimeout === undefined ? null : int('receive-timeout-s', 60, 1),
    days: int('days', 7, 1),
    postsPerDay: int('posts-per-day', 300, 1),
    retentions: (flags.get('retention') ?? 'default,1').split(',').map((raw) => {
      if (raw === 'default') return null;
      const days = Number(raw);
      if (!Number.isInteger(days) || days < 1) throw new Error('--retention: days ≥ 1 or "default", e.g. default,1');
      return days;
    }),
    posts: int('posts', 50, 1),
    warmup: int('warmup', 3),
    gapMs: int('gap-ms', 100),
    reloads: int('reloads', 3, 1),
    chunk: int('chunk', 200, 1),
    timeoutMin: int('timeout-min', 30, 1),
    out: flags.get('out') ?? join(ROOT, 'bench', 'results', 'app.json'),
  };
}

/** What every scenario gets: a running server, one browser, the options and the seeded squares. */
interface BenchEnv {
  readonly browser: Browser;
  readonly server: ServerProcess;
  readonly options: Options;
  readonly pool: SquarePool;
}

// ---- scenario: publish-to-render latency ---------------------------------------------------------

interface PublishResult {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** Per-post latency in ms (publish in A → list item in B's DOM), in publish order. */
  readonly samples: number[];
  readonly summary: Summary;
  /** Publish in A → B's next frame after the insertion (rAF + setTimeout 0): roughly painted. */
  readonly toFrame: Summary;
  /** How long A's `board.publishPost` call itself took (check, sign, write, local render). */
  readonly publishCall: Summary;
  /** Estimated offset of B's clock over A's (see clockOffset); 0 means the clocks agree. */
  readonly clockOffsetMs: number;
  readonly warmup: number;
  readonly gapMs: number;
  readonly webrtcPeers: number;
}

interface RenderMark {
  dom: number;
  frame?: number;
}
type ObserverWindow = BenchWindow & { __benchRender?: Map<string, RenderMark> };

/**
 * Estimated (timeOrigin + now) − Date.now() of a page, median of many samples. Date.now() is the
 * same system clock in every renderer process, so the difference of two pages' offsets estimates
 * how far apart their high-resolution clocks are (to about a millisecond, Date.now()'s resolution).
 */
function clockOffset(peer: Peer): Promise<number> {
  return peer.page.evaluate(() => {
    const offsets: number[] = [];
    for (let i = 0; i < 200; i++) offsets.push(performance.timeOrigin + performance.now() - Date.now());
    offsets.sort((a, b) => a - b);
    return offsets[offsets.length >> 1] as number;
  });
}

async function publishScenario({ browser, server, options }: BenchEnv): Promise<PublishResult> {
  const peers: Peer[] = [];
  try {
    log('publish: peer A creates a square');
    const a = await openPeer(browser, server.url, 'A');
    peers.push(a);
    const link = await createSquare(a.page, 'Bench Court', 'Bench A');
    log('publish: peer B joins via the invite link');
    const b = await openPeer(browser, server.url, 'B');
    peers.push(b);
    await joinSquare(b.page, link, 'Bench B');
    await Promise.all([waitForPeers(a.page, 1), waitForPeers(b.page, 1)]);
    const connected = await webrtcPeers(a.page);
    if (connected < 1) throw new Error('status line reports a peer but y-webrtc has no open data channel');
    log(`publish: A and B connected over WebRTC (${connected} data channel(s) in A)`);

    const runId = Date.now().toString(36);
    const total = options.warmup + options.posts;
    const notes = Array.from({ length: total }, (_, i) => `bench ${runId} #${String(i).padStart(4, '0')}`);

    // In B: record when a list item whose note is one of ours first appears in the Posts list.
    await b.page.evaluate((expected) => {
      const w = window as ObserverWindow;
      const list = document.querySelector('ul[aria-label="Posts"]');
      if (!list) throw new Error('no Posts list in B');
      const pending = new Set(expected);
      const marks = new Map<string, RenderMark>();
      w.__benchRender = marks;
      new MutationObserver(() => {
        if (pending.size === 0) return;
        const now = performance.timeOrigin + performance.now();
        for (const item of list.children) {
          const note = item.querySelector(':scope > article > p.note')?.textContent?.trim();
          if (note === undefined || !pending.has(note)) continue;
          pending.delete(note);
          const mark: RenderMark = { dom: now };
          marks.set(note, mark);
          requestAnimationFrame(() => setTimeout(() => (mark.frame = performance.timeOrigin + performance.now())));
        }
      }).observe(list, { childList: true, subtree: true, characterData: true });
    }, notes);

    // ASSUMPTION: A and B are pages of one Chromium on one machine, so performance.timeOrigin +
    // performance.now() in both derive from the same system clock and are directly comparable.
    // clockOffset() checks this against Date.now(); the offset is reported, not subtracted.
    const [offsetA, offsetB] = [await clockOffset(a), await clockOffset(b)];
    const clockOffsetMs = round(offsetB - offsetA, 2);
    log(`publish: clock offset B − A ≈ ${clockOffsetMs} ms`);

    const publishedAt = new Map<string, number>();
    const callMs: number[] = [];
    for (let i = 0; i < total; i++) {
      const note = notes[i] as string;
      const body = postBody(i, note);
      const sent = await a.page.evaluate(async (post) => {
        const board = (window as BenchWindow).kaifong?.board;
        if (!board) throw new Error('window.kaifong is not set in A');
        const start = performance.timeOrigin + performance.now();
        const result = await board.publishPost(post);
        return { start, end: performance.timeOrigin + performance.now(), result };
      }, body);
      if (!sent.result.ok) throw new Error(`publishPost refused: ${sent.result.reason}`);
      await b.page.waitForFunction((n) => (window as ObserverWindow).__benchRender?.get(n)?.frame !== undefined, note, {
        timeout: 30_000,
        polling: 'raf',
      });
      if (i >= options.warmup) {
        publishedAt.set(note, sent.start);
        callMs.push(sent.end - sent.start);
      }
      if ((i + 1) % 10 === 0 || i + 1 === total) log(`publish: ${i + 1}/${total} posts rendered in B`);
      await sleep(options.gapMs);
    }

    const marks = await b.page.evaluate(() => [
      ...((window as ObserverWindow).__benchRender ?? new Map<string, RenderMark>()),
    ]);
    const rendered = new Map(marks);
    const toDom: number[] = [];
    const toFrame: number[] = [];
    for (const [note, start] of publishedAt) {
      const mark = rendered.get(note);
      if (!mark || mark.frame === undefined) throw new Error(`no render mark for ${note}`);
      toDom.push(round(mark.dom - start, 2));
      toFrame.push(round(mark.frame - start, 2));
    }
    const summary = summarize(toDom);
    return {
      p50: summary.p50,
      p95: summary.p95,
      max: summary.max,
      samples: toDom,
      summary,
      toFrame: summarize(toFrame),
      publishCall: summarize(callMs),
      clockOffsetMs,
      warmup: options.warmup,
      gapMs: options.gapMs,
      webrtcPeers: connected,
    };
  } finally {
    await Promise.all(peers.map((p) => p.context.close().catch(() => undefined)));
  }
}

function printPublish(r: PublishResult): void {
  const row = (name: string, s: Summary) => [name, ms(s.p50), ms(s.p95), ms(s.max), ms(s.min), ms(s.mean), String(s.n)];
  printTable(
    `Publish → render between two contexts over WebRTC (${r.summary.n} posts, ${r.warmup} warm-up, ${r.gapMs} ms gap; clock offset B−A ≈ ${r.clockOffsetMs} ms)`,
    ['measure', 'p50', 'p95', 'max', 'min', 'mean', 'n'],
    [
      row('publish in A → item in B DOM', r.summary),
      row('publish in A → B next frame', r.toFrame),
      row('A publishPost() call', r.publishCall),
    ],
  );
}

// ---- scenario: cold start with N posts in IndexedDB ----------------------------------------------

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
}

interface ColdStartResult {
  readonly posts: number;
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
  readonly median: Pick<
    ColdStartRun,
    'listMs' | 'firstItemMs' | 'countMs' | 'frameMs' | 'kaifongMs' | 'domContentLoadedMs'
  >;
  readonly runs: ColdStartRun[];
}

interface ColdMarks {
  firstItem?: number;
  count?: number;
  list?: number;
  frame?: number;
  kaifong?: number;
  items?: number;
}
type ProbeWindow = BenchWindow & { __coldStart?: ColdMarks };

/**
 * Runs at document start of every navigation (page.addInitScript): records, on the page's own
 * navigation-relative clock, when the list and the count text appear and when the app sets
 * `window.kaifong` (through a setter on window, so no polling delay). Serialised into the page.
 */
function coldStartProbe(expected: number): void {
  const marks: ColdMarks = {};
  const w = window as ProbeWindow;
  w.__coldStart = marks;
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

async function coldStartOnce(peer: Peer, timeout: number): Promise<ColdStartRun> {
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
  await boardIdle(peer.page);
  await sleep(1000);
  const jsHeapAfterGcBytes = await heapAfterGc(peer);
  return {
    ...run,
    jsHeapAfterGcBytes,
    listMs: round(run.listMs),
    firstItemMs: round(run.firstItemMs),
    countMs: round(run.countMs),
    frameMs: round(run.frameMs),
    kaifongMs: round(run.kaifongMs),
    domContentLoadedMs: round(run.domContentLoadedMs),
  };
}

/** The key of a cold start size in the results: "10000" (posts) or "50000r" (records in the mix). */
function sizeKey(mix: RecordMix): string {
  return mix.updatesPerPost === 0 ? String(mix.posts) : `${recordsOf(mix)}r`;
}

async function coldStartSize({ options, pool }: BenchEnv, mix: RecordMix): Promise<ColdStartResult> {
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
    const runs: ColdStartRun[] = [];
    for (let i = 0; i < options.reloads; i++) {
      const run = await coldStartOnce(peer, timeout);
      if (run.renderedItems < 1) throw new Error('list ready without items');
      runs.push(run);
      log(
        `coldstart ${size}: reload ${i + 1}/${options.reloads}: list ${ms(run.listMs)}, kaifong ${ms(run.kaifongMs)}, ${run.renderedItems} items`,
      );
    }
    const med = (key: keyof ColdStartResult['median']) => round(median(runs.map((r) => r[key])));
    return {
      posts: mix.posts,
      records,
      updatesPerPost: mix.updatesPerPost,
      seedMs: round(seedMs),
      seedPublishMs: round(seed.publishMs),
      seedFlushMs: round(seed.flushMs),
      seedPostsPerSecond: round(records / (seedMs / 1000)),
      storageBytes,
      median: {
        listMs: med('listMs'),
        firstItemMs: med('firstItemMs'),
        countMs: med('countMs'),
        frameMs: med('frameMs'),
        kaifongMs: med('kaifongMs'),
        domContentLoadedMs: med('domContentLoadedMs'),
      },
      runs,
    };
  } finally {
    await pool.release(square);
  }
}

async function coldStartScenario(env: BenchEnv): Promise<Record<string, ColdStartResult>> {
  const out: Record<string, ColdStartResult> = {};
  for (const mix of env.options.coldstartSizes) {
    out[sizeKey(mix)] = await coldStartSize(env, mix);
    // Visible in the JSON written on a later abort, too.
    results.coldStart = out;
  }
  return out;
}

function printColdStart(r: Record<string, ColdStartResult>): void {
  const rows: string[][] = [];
  for (const res of Object.values(r)) {
    const each = (key: keyof ColdStartRun) => res.runs.map((run) => ms(run[key] as number)).join(', ');
    rows.push([
      describeMix({ posts: res.posts, updatesPerPost: res.updatesPerPost }),
      'list rendered + count',
      ms(res.median.listMs),
      each('listMs'),
    ]);
    rows.push(['', 'next frame after list', ms(res.median.frameMs), each('frameMs')]);
    rows.push(['', 'window.kaifong (attached)', ms(res.median.kaifongMs), each('kaifongMs')]);
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

// ---- runner --------------------------------------------------------------------------------------

interface Scenario<R> {
  readonly key: string; // property in the JSON
  readonly run: (env: BenchEnv) => Promise<R>;
  readonly print: (result: R) => void;
}

/** A scenario with its result type hidden: runs, prints, and returns what goes in the JSON. */
type RunnableScenario = { readonly key: string; readonly run: (env: BenchEnv) => Promise<unknown> };

function scenario<R>({ key, run, print }: Scenario<R>): RunnableScenario {
  return {
    key,
    run: async (env) => {
      const result = await run(env);
      print(result);
      return result;
    },
  };
}

const SCENARIOS: Record<ScenarioName, RunnableScenario> = {
  publish: scenario({ key: 'publishToRender', run: publishScenario, print: printPublish }),
  coldstart: scenario({ key: 'coldStart', run: coldStartScenario, print: printColdStart }),
  receive: scenario({
    key: 'receive',
    run: ({ browser, server, options, pool }) =>
      receiveScenario(browser, server.url, pool, {
        mixes: options.receiveSizes,
        modes: options.modes,
        chunk: options.chunk,
        stallMs: options.stallS * 1000,
        timeoutMs: (records) =>
          options.receiveTimeoutS !== null ? options.receiveTimeoutS * 1000 : 60_000 + 2 * records,
        onPartial: (partial) => (results.receive = partial),
      }),
    print: printReceive,
  }),
  bytes: scenario({
    key: 'bytes',
    run: ({ server, options }) =>
      bytesScenarios(
        server.url,
        { days: options.days, postsPerDay: options.postsPerDay, chunk: options.chunk, seed: 5 },
        options.retentions,
      ),
    print: printBytesAll,
  }),
};

const results: Record<string, unknown> = {};
/** Set once the global timeout or a signal has taken over the exit. */
let aborting = false;

function writeResults(options: Options, extra: Record<string, unknown> = {}): void {
  mkdirSync(dirname(options.out), { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version },
    options: { ...options, out: undefined },
    ...results,
    ...extra,
  };
  writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${options.out}`);
}

/** Things to undo on exit, newest first; each gets a bounded time so a hung close cannot block. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    await Promise.race([fn().catch((error: unknown) => log(`cleanup failed: ${String(error)}`)), sleep(15_000)]);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!process.env.KAIFONG_NETNS) log('note: not in a loopback-only network namespace (use npm run bench)');
  log(`scenarios: ${options.only.join(', ')}; overall timeout ${options.timeoutMin} min`);

  const abort = (message: string, code: number) => {
    if (aborting) return;
    aborting = true;
    log(message);
    try {
      writeResults(options, { aborted: message });
    } catch {
      // nothing more to do
    }
    void cleanUp().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 30_000).unref();
  };
  const timer = setTimeout(
    () => abort(`ABORTED: the benchmark did not finish within ${options.timeoutMin} min (raise --timeout-min)`, 2),
    options.timeoutMin * 60_000,
  );
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  try {
    const server = new ServerProcess();
    cleanups.push(() => server.stop());
    await server.start();
    log(`server at ${server.url}`);
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    log(`Chromium ${browser.version()}`);

    // A board size both coldstart and receive need is seeded once (see SquarePool).
    const wanted = (name: ScenarioName, mixes: readonly RecordMix[]) =>
      options.only.includes(name) ? mixes.map(mixKey) : [];
    const coldKeys = new Set(wanted('coldstart', options.coldstartSizes));
    const shared = new Set(wanted('receive', options.receiveSizes).filter((key) => coldKeys.has(key)));
    const pool = new SquarePool(browser, server.url, options.chunk, shared);
    cleanups.push(() => pool.closeAll());
    const env: BenchEnv = { browser, server, options, pool };
    for (const name of options.only) {
      const { key, run } = SCENARIOS[name];
      log(`== ${name}`);
      results[key] = await run(env);
    }
    console.log('');
    writeResults(options);
  } catch (error) {
    if (aborting) return; // the abort path writes the file and exits
    // Keep what finished, marked as incomplete, rather than leave an older run's file in place.
    writeResults(options, { failed: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    clearTimeout(timer);
    await cleanUp();
  }
}

main().then(
  () => {
    if (!aborting) process.exit(0);
  },
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
