// Scenario `publish`: publish → render latency between two peers over WebRTC. Peer A founds a
// square in the UI, B joins through the invite link; neighbours' posts (signed here, a few per
// key, within the limits every device enforces since issue 10) are written into A's shared map
// as their devices would, and B's MutationObserver timestamps the list item. Percentiles are nearest-rank; "rendered" means
// inserted in the DOM; "next frame" (requestAnimationFrame, then setTimeout 0) approximates
// when it was painted.

import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { NeighbourKeys } from '../../tests/support/neighbours.ts';
import {
  createSquare,
  joinSquare,
  waitForPeers,
  webrtcPeers,
  type KaifongWindow,
} from '../../tests/support/page-driver.ts';
import { openPeer, type Peer } from '../support/peer.ts';
import { log, ms, printTable, round, sleep, summarize, type Summary } from '../support/report.ts';
import { postBody } from '../support/seed.ts';
import type { BenchContext, Scenario } from './scenario.ts';

interface PublishResult {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** Per-post latency in ms (publish in A → list item in B's DOM), in publish order. */
  readonly samples: number[];
  readonly summary: Summary;
  /** Publish in A → B's next frame after the insertion (rAF + setTimeout 0): roughly painted. */
  readonly toFrame: Summary;
  /** How long writing the signed post into A's shared map took (the write and what it starts at once). */
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
type ObserverWindow = Window & { __benchRender?: Map<string, RenderMark> };

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

async function measure({ browser, serverUrl, options }: BenchContext): Promise<PublishResult> {
  const peers: Peer[] = [];
  try {
    log('publish: peer A creates a square');
    const a = await openPeer(browser, serverUrl, 'A');
    peers.push(a);
    const link = await createSquare(a.page, 'Bench Court', 'Bench A');
    log('publish: peer B joins via the invite link');
    const b = await openPeer(browser, serverUrl, 'B');
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
    const neighbours = new NeighbourKeys();
    for (let i = 0; i < total; i++) {
      const note = notes[i] as string;
      const post = await neighbours.post(postBody(i, note), Date.now());
      const sent = await a.page.evaluate(
        ({ key, id, text }) => {
          const startMs = performance.timeOrigin + performance.now();
          (window as KaifongWindow).kaifong!.doc.getMap(key).set(id, text);
          return { startMs, endMs: performance.timeOrigin + performance.now() };
        },
        { key: RECORDS_KEY, id: post.id, text: storedForm(post) },
      );
      await b.page.waitForFunction((n) => (window as ObserverWindow).__benchRender?.get(n)?.frame !== undefined, note, {
        timeout: 30_000,
        polling: 'raf',
      });
      if (i >= options.warmup) {
        publishedAt.set(note, sent.startMs);
        callMs.push(sent.endMs - sent.startMs);
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
      row("write into A's map", r.publishCall),
    ],
  );
}

/** Publish → render latency between two peers. */
export const publishScenario: Scenario = {
  name: 'publish',
  key: 'publishToRender',
  summary: 'publish → render latency between two peers over WebRTC',
  run: async (ctx) => {
    const result = await measure(ctx);
    return { json: result, print: () => printPublish(result) };
  },
};
