// Scenario `receive`: how long a newcomer takes to receive a square of N records from one peer,
// with our chunked exchange (src/lib/sync/doc-exchange.ts) and with y-webrtc's own
// whole-document exchange (`?sync=stock`), in the same run and from the same seeded peer.
//
// Peer A founds a square in the UI, seeds it through `window.kaifong.board` and reloads, so it
// serves from a clean, freshly loaded state (y-indexeddb compacts its log on that load). For
// each exchange mode A is (re)loaded in that mode, then a fresh peer B opens the invite link in
// the same mode; times count from B's navigation start. A probe installed before B's first
// navigation (addInitScript) timestamps, on B's own clock: the board attached, the first open
// WebRTC data channel, the transfer's BEGIN and END (chunked only), the first and last record
// folded, and the first time "Receiving the square" appears anywhere in the page; and every task
// longer than 50 ms (PerformanceObserver, `longtask`), so the bench says how long the page froze.
// The `main-thread` mode is the chunked exchange with signatures checked on the page's thread
// (`?verify=main`): the path before signatures moved to a pool of workers, in the same run.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { BOARD_VIEW, boardIdle, waitForHandle, type KaifongHandle } from '../../tests/support/page-driver.ts';
import type { ExchangeMode, Options } from '../app-options.ts';
import { printProfile, startProfile, summarise } from '../support/cpu-profile.ts';
import { openPeer, type Peer } from '../support/peer.ts';
import { bytes, log, ms, printTable, round } from '../support/report.ts';
import { describeMix, recordsOf, type RecordMix } from '../support/seed.ts';
import type { SquarePool } from '../support/square-pool.ts';
import { docSize, flushIndexedDb, storageUsage, type DocSize } from '../support/storage.ts';
import type { BenchContext, Scenario } from './scenario.ts';

/** What B's probe records; times are ms from B's navigation start (performance.now()). */
interface ReceiveMarks {
  kaifong?: number;
  signalling?: number;
  connected?: number;
  transferBegin?: number;
  transferEnd?: number;
  piecesTotal?: number;
  piecesReceived?: number;
  postsAnnounced?: number;
  firstRecord?: number;
  complete?: number;
  lastChange?: number;
  progressText?: number;
  progressSample?: string;
  /** Tasks of 50 ms or more: [start, duration]. */
  longTasks: [number, number][];
  records: number;
  posts: number;
}
type ReceiveWindow = Window & { kaifong?: KaifongHandle; __receive?: ReceiveMarks };

export interface ReceiveRun {
  readonly mode: ExchangeMode;
  readonly outcome: 'complete' | 'stalled' | 'no-connection';
  /** B's navigation start → B's fold holds every record A had (null unless complete). */
  readonly completeMs: number | null;
  /** complete → board.whenIdle() resolved in B (vault written). */
  readonly idleMs: number | null;
  /** Records and posts B's fold held when the run ended (complete, or at the stall deadline). */
  readonly recordsReceived: number;
  readonly postsReceived: number;
  readonly recordsExpected: number;
  /** How long the run waited in total (the deadline for a stall). */
  readonly waitedMs: number;
  /** The board attached (window.kaifong set): vault and stored document loaded, before connecting. */
  readonly kaifongMs: number | null;
  /** A signalling server connection is open. */
  readonly signallingMs: number | null;
  /** A WebRTC data channel to A is open (y-webrtc's). */
  readonly connectedMs: number | null;
  readonly firstRecordMs: number | null;
  readonly transferBeginMs: number | null;
  readonly transferEndMs: number | null;
  readonly piecesTotal: number | null;
  readonly postsAnnounced: number | null;
  /** When "Receiving the square" first appeared in B's page; null if it never did. */
  readonly progressTextMs: number | null;
  readonly progressSample: string | null;
  /** navigator.storage.estimate() usage in B at the end of the run. */
  readonly storageBytes: number | null;
  /** The longest task in B from WebRTC up to the board idle: how long the page froze during the transfer. */
  readonly longestTaskMs: number | null;
  /** Tasks over 100 ms in that span. */
  readonly tasksOver100: number;
  /**
   * Packets A's browser dropped on sending to B (WebRTC stats, `packetsDiscardedOnSend`): each
   * drop stalls SCTP until it retransmits. Null if A's stats could not be read.
   */
  readonly senderPacketsDropped: number | null;
}

export interface ReceiveSizeResult {
  readonly records: number;
  readonly posts: number;
  readonly updatesPerPost: number;
  readonly mix: string;
  /** Seeding A (board calls and whenIdle), and then until IndexedDB had committed it all. */
  readonly seedMs: number;
  readonly seedFlushMs: number;
  /** A's document after seeding and reloading (see DocSize). */
  readonly doc: DocSize;
  readonly runs: Partial<Record<ExchangeMode, ReceiveRun>>;
}

/** Installed in B before its first navigation; serialised into the page, so self-contained. */
function receiveProbe({ expected, view }: { expected: number; view: typeof BOARD_VIEW }): void {
  const marks: ReceiveMarks = { records: 0, posts: 0, longTasks: [] };
  (window as ReceiveWindow).__receive = marks;
  const now = () => performance.now();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) marks.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const hook = (handle: KaifongHandle) => {
    const { board, connection } = handle;
    const count = () => {
      marks.records = board[view].recordCount;
      marks.posts = board[view].postCount;
      marks.lastChange = now();
      if (marks.records > 0) marks.firstRecord ??= marks.lastChange;
      if (marks.records >= expected) marks.complete ??= marks.lastChange;
    };
    board.subscribe(count);
    count();
    // The status line samples connections once a second; look more often, until connected.
    const started = now();
    const poll = setInterval(() => {
      const provider = connection.provider;
      if (provider?.signalingConns.some((conn) => conn.connected)) marks.signalling ??= now();
      provider?.room?.webrtcConns.forEach((conn) => {
        if (conn.connected) marks.connected ??= now();
      });
      if (marks.connected !== undefined || now() - started > 300_000) clearInterval(poll);
    }, 10);
    connection.onTransfer((progress) => {
      if (progress.receiving) {
        marks.transferBegin ??= now();
        marks.piecesTotal = Math.max(marks.piecesTotal ?? 0, progress.piecesTotal);
        marks.piecesReceived = progress.piecesReceived;
        marks.postsAnnounced = progress.postsAnnounced;
      } else if (marks.transferBegin !== undefined) {
        marks.transferEnd ??= now();
      }
    });
  };
  let value: unknown;
  Object.defineProperty(window, 'kaifong', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (handle: KaifongHandle) => {
      value = handle;
      marks.kaifong ??= now();
      hook(handle);
    },
  });
  const pattern = /Receiving the square/;
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const texts =
        mutation.type === 'characterData'
          ? [mutation.target.textContent]
          : [...mutation.addedNodes].map((node) => node.textContent);
      const hit = texts.find((text) => text !== null && pattern.test(text));
      if (hit) {
        marks.progressText = now();
        marks.progressSample = hit.trim().slice(0, 120);
        observer.disconnect();
        return;
      }
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

function linkFor(base: string, fragment: string, mode: ExchangeMode): string {
  const search = { chunked: '', 'main-thread': '?verify=main', stock: '?sync=stock' }[mode];
  return `${base}/${search}#${fragment}`;
}

/** Loads A in `mode` from scratch and waits until its board is attached and idle. */
async function reloadServer(a: Peer, url: string): Promise<void> {
  if (a.page.url() === url) await a.page.reload();
  else await a.page.goto(url);
  await waitForHandle(a.page, 120_000);
  await boardIdle(a.page);
}

async function receiveOnce(
  browser: Browser,
  a: Peer,
  link: string,
  mode: ExchangeMode,
  expected: number,
  deadlineMs: number,
  label: string,
  /** Where to write CPU profiles of B's and A's main threads, from B's navigation until complete; null for none. */
  profileTo: string | null,
): Promise<ReceiveRun> {
  const b = await openPeer(browser, null, `${label} B`);
  try {
    await b.context.addInitScript(receiveProbe, { expected, view: BOARD_VIEW });
    // The profiler starts on a page of the app's origin, so the app's navigation keeps its renderer.
    if (profileTo) await b.page.goto(new URL('/healthz', link).href);
    const profiler = profileTo ? await startProfile(b.page) : null;
    const serverProfiler = profileTo ? await startProfile(a.page) : null;
    await b.page.goto(link, { waitUntil: 'commit' });
    // The deadline is on B's clock (from its navigation start), polled every 100 ms.
    await b.page.waitForFunction(
      (deadline) => {
        const m = (window as ReceiveWindow).__receive;
        return m?.complete !== undefined || performance.now() > deadline;
      },
      deadlineMs,
      { timeout: deadlineMs + 60_000, polling: 100 },
    );
    const first = await b.page.evaluate(() => ({ ...(window as ReceiveWindow).__receive!, at: performance.now() }));
    if (profiler && serverProfiler && profileTo) {
      mkdirSync(dirname(profileTo), { recursive: true });
      for (const [who, recorder] of [
        ['B', profiler],
        ['A', serverProfiler],
      ] as const) {
        const profile = await recorder.stop();
        const to = profileTo.replace(/\.cpuprofile$/, `-${who}.cpuprofile`);
        writeFileSync(to, JSON.stringify(profile));
        log(`${label}: ${mode}: CPU profile written to ${to}`);
        printProfile(`${label}, ${mode}: ${who}'s main thread until B complete`, summarise(profile, 'dist'));
      }
    }
    let idleMs: number | null = null;
    let idleAt = first.at;
    if (first.complete !== undefined) {
      idleAt = await b.page.evaluate(async () => {
        await (window as ReceiveWindow).kaifong?.board.whenIdle();
        return performance.now();
      });
      idleMs = round(idleAt - first.complete);
    }
    const m = await b.page.evaluate(() => ({ ...(window as ReceiveWindow).__receive! }));
    // The transfer: from the WebRTC connection until the board is idle (or the deadline).
    const from = m.connected ?? Number.POSITIVE_INFINITY;
    const during = m.longTasks.filter(([start, duration]) => start + duration >= from && start <= idleAt);
    const storageBytes = await storageUsage(b.page);
    const senderPacketsDropped = await packetsDroppedOnSend(a.page);
    const opt = (value: number | undefined) => (value === undefined ? null : round(value));
    return {
      mode,
      outcome: m.complete !== undefined ? 'complete' : m.connected === undefined ? 'no-connection' : 'stalled',
      completeMs: opt(m.complete),
      idleMs,
      // At the deadline (a stall) or at completion, not after the extra waits above.
      recordsReceived: first.records,
      postsReceived: first.posts,
      recordsExpected: expected,
      waitedMs: round(first.complete ?? first.at),
      kaifongMs: opt(m.kaifong),
      signallingMs: opt(m.signalling),
      connectedMs: opt(m.connected),
      firstRecordMs: opt(m.firstRecord),
      transferBeginMs: opt(m.transferBegin),
      transferEndMs: opt(m.transferEnd),
      piecesTotal: m.piecesTotal ?? null,
      postsAnnounced: m.postsAnnounced ?? null,
      progressTextMs: opt(m.progressText),
      progressSample: m.progressSample ?? null,
      storageBytes,
      longestTaskMs: m.connected === undefined ? null : round(Math.max(0, ...during.map(([, duration]) => duration))),
      tasksOver100: during.filter(([, duration]) => duration > 100).length,
      senderPacketsDropped,
    };
  } finally {
    await b.context.close().catch(() => undefined);
  }
}

/** Packets dropped on sending, over every WebRTC connection of the page (see ReceiveRun). */
function packetsDroppedOnSend(page: Page): Promise<number | null> {
  return page
    .evaluate(async () => {
      const room = (window as ReceiveWindow).kaifong?.connection.provider?.room;
      if (!room) return null;
      let dropped = 0;
      for (const conn of room.webrtcConns.values()) {
        const stats = await conn.peer._pc.getStats();
        stats.forEach((entry: { type: string; packetsDiscardedOnSend?: number }) => {
          if (entry.type === 'candidate-pair') dropped += entry.packetsDiscardedOnSend ?? 0;
        });
      }
      return dropped;
    })
    .catch(() => null);
}

async function receiveSize(
  browser: Browser,
  serverUrl: string,
  pool: SquarePool,
  mix: RecordMix,
  options: Options,
): Promise<ReceiveSizeResult> {
  const records = recordsOf(mix);
  const label = `receive ${records}`;
  const square = await pool.take(mix, `${label} A`);
  const { peer: a, link, room, seed } = square;
  try {
    const fragment = link.slice(link.indexOf('#') + 1);
    const runs: Partial<Record<ExchangeMode, ReceiveRun>> = {};
    let doc: DocSize | null = null;
    for (const mode of options.modes) {
      const url = linkFor(serverUrl, fragment, mode);
      log(`${label}: (re)loading A with the ${mode} exchange`);
      await reloadServer(a, url);
      if (!doc) {
        // After the first reload y-indexeddb has compacted its log into one entry.
        await flushIndexedDb(a.page, room);
        doc = await docSize(a.page, room);
        log(
          `${label}: A holds ${doc.foldRecords} records, ${doc.posts} posts; document ${bytes(doc.updateBytes)} encoded, ${bytes(doc.jsonBytes)} of record JSON`,
        );
      }
      const expected = doc.foldRecords;
      const deadline = mode === 'stock' ? options.stallS * 1000 : chunkedTimeoutMs(options, records);
      log(`${label}: B joins with the ${mode} exchange (waiting up to ${ms(deadline)})`);
      const profileTo = options.profile
        ? join(dirname(options.out), `profile-receive-${records}-${mode}.cpuprofile`)
        : null;
      const run = await receiveOnce(browser, a, url, mode, expected, deadline, label, profileTo);
      runs[mode] = run;
      log(
        run.outcome === 'complete'
          ? `${label}: ${mode}: all ${expected} records in ${ms(run.completeMs ?? undefined)} (WebRTC up ${ms(run.connectedMs ?? undefined)}, first record ${ms(run.firstRecordMs ?? undefined)})`
          : `${label}: ${mode}: ${run.outcome.toUpperCase()} after ${ms(run.waitedMs)}: ${run.recordsReceived} of ${expected} records`,
      );
    }
    if (!doc) throw new Error('no exchange mode given');
    return {
      records,
      posts: mix.posts,
      updatesPerPost: mix.updatesPerPost,
      mix: describeMix(mix),
      seedMs: round(seed.totalMs),
      seedFlushMs: round(seed.flushMs),
      doc,
      runs,
    };
  } finally {
    await pool.release(square);
  }
}

/** Chunked exchange: give up after this long (ms from B's navigation start). */
function chunkedTimeoutMs(options: Options, records: number): number {
  return options.receiveTimeoutS !== null ? options.receiveTimeoutS * 1000 : 60_000 + 2 * records;
}

async function measure({
  browser,
  serverUrl,
  pool,
  options,
  partial,
}: BenchContext): Promise<Record<string, ReceiveSizeResult>> {
  const out: Record<string, ReceiveSizeResult> = {};
  for (const mix of options.receiveSizes) {
    out[String(recordsOf(mix))] = await receiveSize(browser, serverUrl, pool, mix, options);
    partial(out);
  }
  return out;
}

function printReceive(results: Record<string, ReceiveSizeResult>): void {
  const t = (value: number | null) => (value === null ? '—' : ms(value));
  const rows: string[][] = [];
  for (const r of Object.values(results)) {
    let first = true;
    for (const run of Object.values(r.runs)) {
      const outcome =
        run.outcome === 'complete'
          ? ms(run.completeMs ?? undefined)
          : `${run.outcome.toUpperCase()} (${run.recordsReceived}/${run.recordsExpected} after ${ms(run.waitedMs)})`;
      rows.push([
        first ? `${r.records}` : '',
        first ? bytes(r.doc.updateBytes) : '',
        run.mode,
        outcome,
        t(run.kaifongMs),
        t(run.signallingMs),
        t(run.connectedMs),
        t(run.transferBeginMs),
        t(run.firstRecordMs),
        t(run.transferEndMs),
        t(run.idleMs),
        run.longestTaskMs === null ? '—' : `${ms(run.longestTaskMs)} (${run.tasksOver100} > 100 ms)`,
        run.senderPacketsDropped === null ? '—' : `${run.senderPacketsDropped}`,
        run.progressTextMs === null ? 'no' : `yes, at ${ms(run.progressTextMs)}`,
      ]);
      first = false;
    }
  }
  printTable(
    'Newcomer receives a square from one peer (times from B’s navigation start)',
    [
      'records',
      'doc bytes',
      'exchange',
      'all records in B',
      'attached',
      'signalling',
      'WebRTC up',
      'BEGIN',
      '1st record',
      'END',
      '+ until idle',
      'longest task',
      'packets A dropped',
      '"Receiving the square" shown',
    ],
    rows,
  );
  const mixRows = Object.values(results).map((r) => [
    `${r.records}`,
    r.mix,
    `${r.doc.foldRecords} (${r.records} + square + profile)`,
    bytes(r.doc.updateBytes),
    bytes(r.doc.jsonBytes),
    `${round(r.doc.updateBytes / r.doc.foldRecords)} B`,
    `${ms(r.seedMs)} + ${ms(r.seedFlushMs)} IndexedDB`,
  ]);
  printTable(
    'Receive: what A serves',
    [
      'records',
      'mix (each update: action progress + a ~40-char note)',
      'in fold',
      'Y update',
      'record JSON',
      'per record',
      'seed',
    ],
    mixRows,
  );
}

/** A newcomer receives squares of N records, with each exchange mode. */
export const receiveScenario: Scenario = {
  name: 'receive',
  key: 'receive',
  summary: 'a newcomer receives N records: chunked vs stock y-webrtc exchange',
  run: async (ctx) => {
    const result = await measure(ctx);
    return { json: result, print: () => printReceive(result) };
  },
};
