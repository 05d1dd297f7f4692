// Scenario `bytes` of bench/app.ts: bytes per post in the document and on disk after a week of
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
// - retention set to 1 day by the founder (`board.nameSquare(name, 1)` right after founding), so
//   the daily prune works all week: the steady state of a square that keeps little.
// Each run ends with a reload (y-indexeddb compacts its log on load only from 500 entries on).

import { chromium } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPIRY_MS } from '../src/lib/domain/board-view.ts';
import type { PostId } from '../src/lib/domain/ids.ts';
import type { UpdateAction } from '../src/lib/domain/records.ts';
import { CHROMIUM_ARGS } from '../tests/support/browser.ts';
import {
  boardIdle,
  bytes,
  createSquare,
  databasesOf,
  docSize,
  flushIndexedDb,
  idbLogicalBytes,
  log,
  postBody,
  preparePage,
  printTable,
  roomOf,
  round,
  storageUsage,
  updateNote,
  waitForHandle,
  type BenchWindow,
} from './app-support.ts';

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

/** mulberry32: a small seeded PRNG, so every run simulates the same week. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

interface UpdateOrder {
  readonly post: string;
  readonly action: UpdateAction;
  readonly note?: string;
}

export async function bytesScenario(serverUrl: string, params: BytesParams): Promise<BytesResult> {
  const profile = mkdtempSync(join(tmpdir(), 'kaifong-bench-bytes-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.KAIFONG_CHROMIUM || undefined,
    args: CHROMIUM_ARGS,
    locale: 'en-GB',
  });
  try {
    const start = Date.now() - params.days * DAY_MS;
    await context.clock.install({ time: start });
    const page = await preparePage(context, 'bytes');
    await page.goto(serverUrl);
    await createSquare(page, 'Week Court', 'Bench resident');
    const room = await roomOf(page);
    if (params.retentionDays !== null) {
      const set = await page.evaluate(
        (days) => (window as BenchWindow).kaifong!.board.nameSquare('Week Court', days),
        params.retentionDays,
      );
      if (!set.ok) throw new Error(`could not set retention: ${set.reason}`);
    }
    const tag = `bytes (${params.retentionDays === null ? 'default' : params.retentionDays + '-day'} retention)`;
    const { doc: docDb, vault: vaultDb } = databasesOf(room);
    await flushIndexedDb(page, room);
    const baseline = { storageBytes: await storageUsage(page), diskBytes: indexedDbDiskBytes(profile) };
    log(
      `${tag}: baseline (square + profile, app caches) storage ${bytes(baseline.storageBytes ?? undefined)}, IndexedDB files ${bytes(baseline.diskBytes)}`,
    );

    const random = rng(params.seed);
    const counts = { progress: 0, resolve: 0, withdraw: 0 };
    const prunedDaily: number[] = [];
    let published = 0;

    const publish = async (n: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let done = 0; done < n;) {
        const k = Math.min(params.chunk, n - done);
        const bodies = Array.from({ length: k }, (_, j) => {
          const i = published + done + j;
          return postBody(i, `day post ${i}: ${updateNote(i)}`);
        });
        ids.push(
          ...(await page.evaluate(async (bodies) => {
            const board = (window as BenchWindow).kaifong!.board;
            const results = await Promise.all(bodies.map((body) => board.publishPost(body)));
            return results.map((r) => {
              if (!r.ok) throw new Error(`publishPost refused: ${r.reason}`);
              return r.id as string;
            });
          }, bodies)),
        );
        done += k;
      }
      published += n;
      return ids;
    };
    const update = async (orders: readonly UpdateOrder[]): Promise<void> => {
      for (let done = 0; done < orders.length; done += params.chunk) {
        const refused = await page.evaluate(
          async (batch) => {
            const board = (window as BenchWindow).kaifong!.board;
            const results = await Promise.all(batch.map((o) => board.updatePost(o.post as PostId, o.action, o.note)));
            return results.flatMap((r) => (r.ok ? [] : [r.reason]));
          },
          orders.slice(done, done + params.chunk),
        );
        if (refused.length > 0) throw new Error(`updatePost refused: ${refused[0]}`);
      }
      for (const o of orders) counts[o.action as keyof typeof counts]++;
    };

    const postCount = () => page.evaluate(() => (window as BenchWindow).kaifong!.board.fold.postCount);
    for (let day = 1; day <= params.days; day++) {
      const before = await postCount();
      const ids = await publish(params.postsPerDay);
      await page.clock.fastForward('04:00:00');
      const progress: UpdateOrder[] = [];
      for (const post of ids) {
        if (random() >= 0.5) continue;
        const n = random() < 0.5 ? 1 : 2;
        for (let j = 0; j < n; j++) progress.push({ post, action: 'progress', note: updateNote(progress.length) });
      }
      await update(progress);
      await page.clock.fastForward('04:00:00');
      const closing: UpdateOrder[] = [];
      for (const post of ids) {
        const r = random();
        if (r < 0.6) closing.push({ post, action: 'resolve', note: r < 0.3 ? 'Collected, thank you' : undefined });
        else if (r < 0.7) closing.push({ post, action: 'withdraw' });
      }
      await update(closing);
      await page.clock.fastForward('16:00:00');
      await page.evaluate(() => (window as BenchWindow).kaifong!.board.prune(Date.now()));
      await boardIdle(page);
      const state = await page.evaluate(() => {
        const { board, doc } = (window as BenchWindow).kaifong!;
        return { posts: board.fold.postCount, entries: doc.getMap('records').size, at: new Date().toISOString() };
      });
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
      const state = await page.evaluate((expiry) => {
        const { board } = (window as BenchWindow).kaifong!;
        const now = Date.now();
        let open = 0;
        for (const post of board.fold.posts()) {
          if (post.status === 'open' && now < post.activeSinceMs + expiry[post.body.urgency]) open++;
        }
        return { open, at: new Date(now).toISOString() };
      }, EXPIRY_MS);
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
      prunedOneDay = await page.evaluate(
        (ahead) => (window as BenchWindow).kaifong!.board.prune(Date.now() + ahead),
        29 * DAY_MS,
      );
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

export async function bytesScenarios(
  serverUrl: string,
  params: Omit<BytesParams, 'retentionDays'>,
  retentions: readonly (number | null)[],
): Promise<Record<string, BytesResult>> {
  const out: Record<string, BytesResult> = {};
  for (const retentionDays of retentions) {
    out[retentionDays === null ? 'defaultRetention' : `retention${retentionDays}d`] = await bytesScenario(serverUrl, {
      ...params,
      retentionDays,
    });
  }
  return out;
}

export function printBytesAll(results: Record<string, BytesResult>): void {
  for (const r of Object.values(results)) printBytes(r);
}

export function printBytes(r: BytesResult): void {
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
