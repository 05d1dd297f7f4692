// Scenario `bytes`: bytes per post in the document and on disk after a week of
// simulated activity with retention on.
//
// One page in a persistent Chromium profile (a temporary directory), so "on disk" is the real
// size of the profile's IndexedDB files as well as navigator.storage.estimate(). Playwright's
// clock is installed at (now − days) before the first load. Each simulated day: publish
// `postsPerDay` posts (concurrent batches); 4 h later about half of them get 1–2 'progress'
// updates; 4 h later 60 % are resolved and 10 % withdrawn (the rest stay open and expire by
// urgency: 1, 3 or 7 days); 16 h later `board.prune(Date.now())` runs. Two runs by default:
// - the default 30-day retention: nothing goes during the week; at the end
//   `board.prune(now + 29 days)` shows what 1-day retention would keep (30-day retention evaluated
//   29 days later drops exactly the posts closed for more than a day now);
// - retention set to 1 day by the founder (`board.commands.nameSquare(name, 1)` right after
//   founding), so the daily prune works all week: the steady state of a square that keeps little.
// Each run ends with a reload (y-indexeddb compacts its log on load only from 500 entries on).

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPIRY_MS } from '../../src/lib/domain/expiry.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import { launchPersistentChromium } from '../../tests/support/browser.ts';
import {
  BOARD_VIEW,
  boardIdle,
  createSquare,
  postCountOf,
  pruneBoard,
  roomOf,
  setRetention,
  writeStoredRecords,
  waitForHandle,
  type KaifongWindow,
  type UpdateOrder,
} from '../../tests/support/page-driver.ts';
import { entriesOf, NeighbourKeys } from '../../tests/support/neighbours.ts';
import { Rng } from '../../tests/support/random.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { preparePage } from '../support/peer.ts';
import { bytes, log, printTable, round } from '../support/report.ts';
import { postBody, updateNote } from '../support/seed.ts';
import { databasesOf, docSize, flushIndexedDb, idbLogicalBytes, storageUsage } from '../support/storage.ts';
import type { Scenario } from './scenario.ts';

const DAY_MS = 24 * 3_600_000;

export interface BytesParams {
  /** The founder's retention setting; null keeps the app's default (30 days). */
  readonly retentionDays: number | null;
  readonly days: number;
  readonly postsPerDay: number;
  /** Records per concurrent batch. */
  readonly chunk: number;
  readonly seed: number;
}

export interface BytesSnapshot {
  readonly label: string;
  /** The page's (simulated) time when measured. */
  readonly simulatedAt: string;
  /** Posts the fold holds, whatever their status. */
  readonly livePosts: number;
  /** Of those, still open (not resolved, withdrawn or expired). */
  readonly openPosts: number;
  readonly mapEntries: number;
  readonly foldRecords: number;
  /** Record JSON text in the shared map. */
  readonly jsonBytes: number;
  /** Y.encodeStateAsUpdate(doc).length: tombstones of pruned records included. */
  readonly updateBytes: number;
  readonly idbUpdateEntries: number;
  /** y-indexeddb's stored log, summed. */
  readonly idbUpdateBytes: number;
  /** Keys and values in IndexedDB, summed: y-indexeddb's database and the vault. */
  readonly logicalDocDbBytes: number;
  readonly logicalVaultBytes: number;
  /** navigator.storage.estimate().usage minus the same before the first post. */
  readonly storageBytes: number | null;
  /** Files of the profile's IndexedDB directory, minus the same before the first post. */
  readonly diskBytes: number;
}

export interface BytesResult {
  readonly retentionDays: number | null;
  readonly days: number;
  readonly postsPerDay: number;
  readonly published: number;
  readonly updates: { readonly progress: number; readonly resolve: number; readonly withdraw: number };
  /**
   * Posts pruned each simulated day: by the app itself (it prunes on every 30-second clock tick
   * and after every ingest, so during fastForward) and by the bench's board.prune(Date.now()).
   */
  readonly prunedDaily: number[];
  /** Default retention only: posts pruned by prune(now + 29 days), i.e. as with 1-day retention now. */
  readonly prunedOneDay: number | null;
  readonly baseline: { readonly storageBytes: number | null; readonly diskBytes: number };
  readonly snapshots: BytesSnapshot[];
}

/** Bytes of the files under every IndexedDB directory of a Chromium profile. */
function indexedDbDiskBytes(profile: string): number {
  let total = 0;
  const walk = (dir: string, inIdb: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const idb = inIdb || entry.name === 'IndexedDB' || entry.name.includes('.indexeddb.');
      if (entry.isDirectory()) walk(path, idb);
      else if (idb && entry.isFile()) total += statSync(path).size;
    }
  };
  walk(profile, false);
  return total;
}

async function measureOnce(serverUrl: string, params: BytesParams): Promise<BytesResult> {
  const profile = mkdtempSync(join(tmpdir(), 'kaifong-bench-bytes-'));
  const context = await launchPersistentChromium(profile);
  try {
    const start = Date.now() - params.days * DAY_MS;
    await context.clock.install({ time: start });
    const page = await preparePage(context, 'bytes');
    await page.goto(serverUrl);
    const room = roomOf(await createSquare(page, 'Week Court', 'Bench resident'));
    if (params.retentionDays !== null) await setRetention(page, 'Week Court', params.retentionDays);
    const tag = `bytes (${params.retentionDays === null ? 'default' : params.retentionDays + '-day'} retention)`;
    const { doc: docDb, vault: vaultDb } = databasesOf(room);
    await flushIndexedDb(page, room);
    const baseline = { storageBytes: await storageUsage(page), diskBytes: indexedDbDiskBytes(profile) };
    log(
      `${tag}: baseline (square + profile, app caches) storage ${bytes(baseline.storageBytes ?? undefined)}, IndexedDB files ${bytes(baseline.diskBytes)}`,
    );

    const rng = new Rng(params.seed);
    const counts = { progress: 0, resolve: 0, withdraw: 0 };
    const prunedDaily: number[] = [];
    let published = 0;

    // Many neighbours post, each within an unvouched key's limits (issue 10), and update their own
    // posts; their records are signed here and written into the page's map as their devices would.
    const neighbours = new NeighbourKeys();
    const pageNow = () => page.evaluate(() => Date.now());
    const write = async (records: readonly AnyRecord[]): Promise<void> => {
      for (let done = 0; done < records.length; done += params.chunk)
        await writeStoredRecords(page, entriesOf(records.slice(done, done + params.chunk)));
      await boardIdle(page);
    };
    const publish = async (n: number): Promise<PostId[]> => {
      const now = await pageNow();
      const posts = await Promise.all(
        Array.from({ length: n }, (_, j) => {
          const i = published + j;
          return neighbours.post(postBody(i, `day post ${i}: ${updateNote(i)}`), now - n + j);
        }),
      );
      await write(posts);
      published += n;
      return posts.map((post) => post.id);
    };
    const update = async (orders: readonly UpdateOrder[]): Promise<void> => {
      const now = await pageNow();
      const { length } = orders;
      const updates = await Promise.all(
        orders.map(({ post, action, note }, j) =>
          neighbours.update(post, note === undefined ? { action } : { action, note }, now - length + j),
        ),
      );
      await write(updates);
      for (const o of orders) counts[o.action as keyof typeof counts]++;
    };

    for (let day = 1; day <= params.days; day++) {
      const before = await postCountOf(page);
      const ids = await publish(params.postsPerDay);
      await page.clock.fastForward('04:00:00');
      const progress: UpdateOrder[] = [];
      for (const post of ids) {
        if (rng.next() >= 0.5) continue;
        const n = rng.next() < 0.5 ? 1 : 2;
        for (let j = 0; j < n; j++) progress.push({ post, action: 'progress', note: updateNote(progress.length) });
      }
      await update(progress);
      await page.clock.fastForward('04:00:00');
      const closing: UpdateOrder[] = [];
      for (const post of ids) {
        const r = rng.next();
        if (r < 0.6) closing.push({ post, action: 'resolve', note: r < 0.3 ? 'Collected, thank you' : undefined });
        else if (r < 0.7) closing.push({ post, action: 'withdraw' });
      }
      await update(closing);
      await page.clock.fastForward('16:00:00');
      await pruneBoard(page);
      await boardIdle(page);
      const state = await page.evaluate((view) => {
        const { board, doc } = (window as KaifongWindow).kaifong!;
        return { posts: board[view].postCount, entries: doc.getMap('records').size, at: new Date().toISOString() };
      }, BOARD_VIEW);
      const pruned = before + ids.length - state.posts;
      prunedDaily.push(pruned);
      log(
        `${tag}: day ${day} (${state.at.slice(0, 16)}): +${ids.length} posts, +${progress.length} progress, +${closing.length} resolve/withdraw; pruned ${pruned}; ${state.posts} posts, ${state.entries} records in the doc`,
      );
    }

    const snapshot = async (label: string): Promise<BytesSnapshot> => {
      await boardIdle(page);
      await flushIndexedDb(page, room);
      const doc = await docSize(page, room);
      const logical = await idbLogicalBytes(page, [docDb, vaultDb]);
      const storage = await storageUsage(page);
      const state = await page.evaluate(
        ({ expiry, view }) => {
          const { board } = (window as KaifongWindow).kaifong!;
          const now = Date.now();
          let open = 0;
          for (const post of board[view].posts()) {
            if (post.status === 'open' && now < post.activeSinceMs + expiry[post.body.urgency]) open++;
          }
          return { open, at: new Date(now).toISOString() };
        },
        { expiry: EXPIRY_MS, view: BOARD_VIEW },
      );
      const snap: BytesSnapshot = {
        label,
        simulatedAt: state.at,
        livePosts: doc.posts,
        openPosts: state.open,
        mapEntries: doc.mapEntries,
        foldRecords: doc.foldRecords,
        jsonBytes: doc.jsonBytes,
        updateBytes: doc.updateBytes,
        idbUpdateEntries: doc.idbUpdateEntries,
        idbUpdateBytes: doc.idbUpdateBytes,
        logicalDocDbBytes: logical[docDb] ?? 0,
        logicalVaultBytes: logical[vaultDb] ?? 0,
        storageBytes: storage === null || baseline.storageBytes === null ? null : storage - baseline.storageBytes,
        diskBytes: indexedDbDiskBytes(profile) - baseline.diskBytes,
      };
      log(
        `${tag}: ${label}: ${snap.livePosts} posts (${snap.openPosts} open), ${snap.mapEntries} records; doc ${bytes(snap.updateBytes)}, storage +${bytes(snap.storageBytes ?? undefined)}, disk +${bytes(snap.diskBytes)}`,
      );
      return snap;
    };

    const snapshots: BytesSnapshot[] = [];
    snapshots.push(await snapshot(`after ${params.days} days`));
    let prunedOneDay: number | null = null;
    if (params.retentionDays === null) {
      prunedOneDay = await pruneBoard(page, 29 * DAY_MS);
      log(`${tag}: prune(now + 29 days), i.e. 1-day retention now: ${prunedOneDay} posts dropped`);
      snapshots.push(await snapshot('then prune(now + 29 d)'));
    }
    await page.reload();
    await waitForHandle(page, 60_000);
    snapshots.push(await snapshot('then a reload'));
    return {
      retentionDays: params.retentionDays,
      days: params.days,
      postsPerDay: params.postsPerDay,
      published,
      updates: counts,
      prunedDaily,
      prunedOneDay,
      baseline,
      snapshots,
    };
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** One run per retention setting, keyed "defaultRetention" or "retention1d". */
async function measure(
  serverUrl: string,
  params: Omit<BytesParams, 'retentionDays'>,
  retentions: readonly (number | null)[],
): Promise<Record<string, BytesResult>> {
  const out: Record<string, BytesResult> = {};
  for (const retentionDays of retentions) {
    out[retentionDays === null ? 'defaultRetention' : `retention${retentionDays}d`] = await measureOnce(serverUrl, {
      ...params,
      retentionDays,
    });
  }
  return out;
}

function printBytesAll(results: Record<string, BytesResult>): void {
  for (const r of Object.values(results)) printBytes(r);
}

function printBytes(r: BytesResult): void {
  const per = (value: number | null, posts: number) =>
    value === null || posts === 0 ? '—' : `${bytes(round(value / posts, 0))}`;
  const cols = r.snapshots;
  const row = (name: string, f: (s: BytesSnapshot) => string) => [name, ...cols.map(f)];
  printTable(
    `Bytes after ${r.days} simulated days, ${r.retentionDays === null ? 'default (30-day)' : `${r.retentionDays}-day`} retention (${r.published} posts published; ${r.updates.progress} progress, ${r.updates.resolve} resolve, ${r.updates.withdraw} withdraw updates; daily prune dropped ${r.prunedDaily.join('+')} posts${r.prunedOneDay === null ? '' : `; prune(now + 29 d), as 1-day retention, dropped ${r.prunedOneDay}`})`,
    ['measure', ...cols.map((s) => s.label)],
    [
      row('live posts (open)', (s) => `${s.livePosts} (${s.openPosts})`),
      row('records in the doc', (s) => `${s.mapEntries}`),
      row('record JSON', (s) => bytes(s.jsonBytes)),
      row('  per live post', (s) => per(s.jsonBytes, s.livePosts)),
      row('Y document (encoded)', (s) => bytes(s.updateBytes)),
      row('  per live post', (s) => per(s.updateBytes, s.livePosts)),
      row('y-indexeddb log (entries)', (s) => `${bytes(s.idbUpdateBytes)} (${s.idbUpdateEntries})`),
      row('IndexedDB logical: doc db + vault', (s) => `${bytes(s.logicalDocDbBytes)} + ${bytes(s.logicalVaultBytes)}`),
      row('  per live post', (s) => per(s.logicalDocDbBytes + s.logicalVaultBytes, s.livePosts)),
      row('storage.estimate() Δ', (s) => bytes(s.storageBytes ?? undefined)),
      row('  per live post', (s) => per(s.storageBytes, s.livePosts)),
      row('IndexedDB files on disk Δ', (s) => bytes(s.diskBytes)),
      row('  per live post', (s) => per(s.diskBytes, s.livePosts)),
    ],
  );
}

/** Bytes per post after simulated days, one run per retention setting. */
export const bytesScenario: Scenario = {
  name: 'bytes',
  key: 'bytes',
  summary: 'bytes per post in the document and on disk after simulated days with retention',
  run: async ({ serverUrl, options }) => {
    // NOTE: seed 5 by design: every run simulates the same days.
    const params = { days: options.days, postsPerDay: options.postsPerDay, chunk: options.chunk, seed: 5 };
    const result = await measure(serverUrl, params, options.retentions);
    return { json: result, print: () => printBytesAll(result) };
  },
};
