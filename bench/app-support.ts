// Helpers for bench/app.ts: statistics, table printing, and driving the app in a browser page.
// Nothing here measures anything by itself.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import * as Y from 'yjs';
import type { Board } from '../src/lib/board/board.ts';
import type { PostId } from '../src/lib/domain/ids.ts';
import type { PostBody } from '../src/lib/domain/records.ts';
import type { SquareConnection } from '../src/lib/sync/connection.ts';
import { newPeerContext } from '../tests/support/browser.ts';

// ---- statistics ----------------------------------------------------------------------------------

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples: always one of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    min: round(Math.min(...samples)),
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    max: round(Math.max(...samples)),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

/** Milliseconds to 0.1 ms: timer resolution in the page is coarser than that anyway. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// ---- output --------------------------------------------------------------------------------------

export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (value >= 1 << 20) return `${(value / (1 << 20)).toFixed(1)} MiB`;
  if (value >= 1 << 10) return `${(value / (1 << 10)).toFixed(1)} KiB`;
  return `${value} B`;
}

/** Prints rows as a plain-text table with a header rule. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

const started = Date.now();
/** A progress line with the elapsed time since the bench started. */
export function log(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[bench ${s}s] ${message}`);
}

export const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

// ---- the app in a page ---------------------------------------------------------------------------

/**
 * The debug handle src/lib/state/square.svelte.ts sets on `window` once the board is attached.
 * Types only: the functions passed to `page.evaluate` run in the page, not here.
 */
export interface KaifongHandle {
  readonly doc: Y.Doc;
  readonly board: Board;
  readonly connection: SquareConnection;
}
export type BenchWindow = Window & { kaifong?: KaifongHandle };

/** A peer: its own browser context (own IndexedDB, no BroadcastChannel shortcut) and one page. */
export interface Peer {
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * Opens the app in a fresh peer context; page errors are printed, not swallowed. With `url`
 * null the page stays blank, so the caller can add init scripts before the first navigation.
 */
export async function openPeer(browser: Browser, url: string | null, label: string): Promise<Peer> {
  const context = await newPeerContext(browser);
  const page = await preparePage(context, label);
  if (url !== null) await page.goto(url);
  return { context, page };
}

/** A new page in `context`, ready for page.evaluate from tsx, with its errors printed. */
export async function preparePage(context: BrowserContext, label: string): Promise<Page> {
  // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(...)` calls;
  // functions passed to page.evaluate carry those calls into the page, so define it there.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => log(`[${label} page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') log(`[${label} console.error] ${message.text()}`);
  });
  return page;
}

/** Founds a square from the landing page (as tests/e2e/fixtures.ts does) and returns the invite link. */
export async function createSquare(page: Page, squareName: string, yourName: string): Promise<string> {
  await page.getByLabel('Square name').fill(squareName);
  await page.getByLabel('Your name').fill(yourName);
  await page.getByRole('button', { name: 'Create a square' }).click();
  await page.getByRole('button', { name: 'New post' }).waitFor({ timeout: 30_000 });
  const invite = page.getByRole('textbox', { name: 'Invite link' });
  const link = await invite.inputValue();
  if (!/#r=.+&k=.+&f=.+/.test(link)) throw new Error(`unexpected invite link: ${link}`);
  await waitForHandle(page);
  return link;
}

/** Opens an invite link and joins under a display name. */
export async function joinSquare(page: Page, link: string, yourName: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Your name').fill(yourName);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.getByRole('button', { name: 'New post' }).waitFor({ timeout: 30_000 });
  await waitForHandle(page);
}

/** Waits until `window.kaifong` is set, i.e. the board is attached. */
export async function waitForHandle(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => (window as BenchWindow).kaifong !== undefined, undefined, { timeout });
}

/** Waits until the status line reports at least `n` peers with an open WebRTC data channel. */
export async function waitForPeers(page: Page, n: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (min) => Number(document.querySelector('[role=status]')?.getAttribute('data-peers') ?? 0) >= min,
    n,
    { timeout, polling: 100 },
  );
}

/** Open WebRTC data channels as y-webrtc sees them (to prove the path is not BroadcastChannel). */
export function webrtcPeers(page: Page): Promise<number> {
  return page.evaluate(() => {
    let open = 0;
    (window as BenchWindow).kaifong?.connection.provider?.room?.webrtcConns.forEach((conn) => {
      if (conn.connected) open++;
    });
    return open;
  });
}

/** The square's room id, which names its IndexedDB databases. */
export function roomOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    const handle = (window as BenchWindow).kaifong;
    if (!handle) throw new Error('window.kaifong is not set');
    return handle.connection.invite.room;
  });
}

/** Waits until the board has verified, folded and stored everything it has seen. */
export async function boardIdle(page: Page): Promise<void> {
  await page.evaluate(() => (window as BenchWindow).kaifong?.board.whenIdle());
}

/** The square's IndexedDB databases: y-indexeddb's copy of the document and the record vault. */
export function databasesOf(room: string): { doc: string; vault: string } {
  return { doc: `kaifong-doc-${room}`, vault: `kaifong-vault-${room}` };
}

/**
 * Lets y-indexeddb and the vault finish writing: a short pause (y-indexeddb compacts in chained
 * transactions), then a read-write transaction on every store of both databases, which IndexedDB
 * runs only after every earlier overlapping transaction has committed.
 */
export async function flushIndexedDb(page: Page, room: string): Promise<void> {
  await sleep(1500);
  const { doc, vault } = databasesOf(room);
  await page.evaluate(
    async (names) => {
      for (const name of names) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open(name);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        const stores = [...db.objectStoreNames];
        if (stores.length > 0) {
          const tx = db.transaction(stores, 'readwrite');
          await new Promise<void>((resolve, reject) => {
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
        }
        db.close();
      }
    },
    [doc, vault],
  );
}

// ---- post bodies and seeding ---------------------------------------------------------------------

const SEED_ITEMS = [
  'paracetamol-500',
  'ibuprofen-200',
  'antigen-test',
  'n95-mask',
  'surgical-mask',
  'thermometer',
  'oral-rehydration-salts',
  'cough-medicine',
  'fever-cooling-patch',
] as const;
const SEED_URGENCIES = ['urgent', 'soon', 'stocking'] as const;

/** A valid post body (see src/lib/domain/records.ts); varied so the board is not all one item. */
export function postBody(i: number, note: string): PostBody {
  return {
    type: i % 3 === 1 ? 'offer' : 'need',
    items: [{ item: SEED_ITEMS[i % SEED_ITEMS.length] as PostBody['items'][number]['item'], qty: 1 + (i % 2) }],
    urgency: SEED_URGENCIES[i % SEED_URGENCIES.length] as PostBody['urgency'],
    groups: i % 5 === 0 ? ['elderly'] : [],
    where: { building: `Block ${1 + (i % 12)}`, floor: String(1 + (i % 30)) },
    note,
  };
}

const UPDATE_NOTES = [
  'Picked up two boxes at the lobby, thanks',
  'Neighbour on 12/F is bringing the rest tonight',
  'Still short of one pack, anyone nearby?',
  'Left at the guard desk, please collect',
] as const;

/** A realistic progress note (what a resident writes in an update). */
export function updateNote(i: number): string {
  return UPDATE_NOTES[i % UPDATE_NOTES.length] as string;
}

/** How a seeded board is made up: `posts` posts, each followed by `updatesPerPost` updates. */
export interface RecordMix {
  readonly posts: number;
  readonly updatesPerPost: number;
}

export function recordsOf(mix: RecordMix): number {
  return mix.posts * (1 + mix.updatesPerPost);
}

/** "10000 posts" or "50000 records (10000 posts × 1 + 4 updates)". */
export function describeMix(mix: RecordMix): string {
  if (mix.updatesPerPost === 0) return `${mix.posts} posts`;
  return `${recordsOf(mix)} records (${mix.posts} posts × 1 + ${mix.updatesPerPost} updates)`;
}

export interface SeedTiming {
  /** Until every publishPost/updatePost call had resolved (signed, in the doc, folded). */
  readonly publishMs: number;
  /** publishMs plus the wait for board.whenIdle() (vault writes). */
  readonly totalMs: number;
  /**
   * After that, until IndexedDB had committed everything (flushIndexedDb, 1.5 s pause included):
   * mostly y-indexeddb, which writes every Yjs update (one per record here) in its own
   * transaction and rewrites the whole document once 500 entries have piled up.
   */
  readonly flushMs: number;
}

/**
 * Seeds a board through its own record layer: batches of about `chunk` records, each batch a
 * set of posts published concurrently, then their updates ('progress' with a note) concurrently.
 */
export async function seedRecords(
  page: Page,
  room: string,
  mix: RecordMix,
  chunk: number,
  label: string,
): Promise<SeedTiming> {
  const start = performance.now();
  let lastLog = start;
  const postsPerBatch = Math.max(1, Math.floor(chunk / (1 + mix.updatesPerPost)));
  const total = recordsOf(mix);
  for (let done = 0; done < mix.posts;) {
    const n = Math.min(postsPerBatch, mix.posts - done);
    const bodies = Array.from({ length: n }, (_, k) =>
      postBody(done + k, `seed post ${done + k}: spare for a neighbour`),
    );
    const notes = Array.from({ length: mix.updatesPerPost }, (_, j) => updateNote(done + j));
    const refused = await page.evaluate(
      async ({ bodies, notes }) => {
        const board = (window as BenchWindow).kaifong?.board;
        if (!board) throw new Error('window.kaifong is not set');
        const posted = await Promise.all(bodies.map((body) => board.publishPost(body)));
        const updated = await Promise.all(
          posted.flatMap((r) => (r.ok ? notes.map((note) => board.updatePost(r.id as PostId, 'progress', note)) : [])),
        );
        return [...posted, ...updated].flatMap((r) => (r.ok ? [] : [r.reason]));
      },
      { bodies, notes },
    );
    if (refused.length > 0) throw new Error(`board refused a seeded record: ${refused[0]}`);
    done += n;
    const now = performance.now();
    if (now - lastLog > 5000 || done === mix.posts) {
      const records = done * (1 + mix.updatesPerPost);
      const rate = records / ((now - start) / 1000);
      log(`${label}: seeded ${records}/${total} records (${rate.toFixed(0)} records/s)`);
      lastLog = now;
    }
  }
  const publishMs = performance.now() - start;
  log(`${label}: all calls resolved; waiting for board.whenIdle(), then for IndexedDB`);
  await boardIdle(page);
  const totalMs = performance.now() - start;
  await flushIndexedDb(page, room);
  const flushMs = performance.now() - start - totalMs;
  log(
    `${label}: seeded: calls ${(publishMs / 1000).toFixed(1)} s, whenIdle +${((totalMs - publishMs) / 1000).toFixed(1)} s, IndexedDB flush +${(flushMs / 1000).toFixed(1)} s`,
  );
  return { publishMs, totalMs, flushMs };
}

// ---- sizes of what is stored ---------------------------------------------------------------------

export interface DocSize {
  /** Entries in the shared map (records, whatever their state). */
  readonly mapEntries: number;
  /** Records the fold counts (verified and accepted). */
  readonly foldRecords: number;
  readonly posts: number;
  /** Sum of the lengths of the map's values (JSON text of signed records; ASCII, so bytes). */
  readonly jsonBytes: number;
  /** Y.encodeStateAsUpdate(doc).length, rebuilt from y-indexeddb's entries: what stock y-webrtc sends a newcomer. */
  readonly updateBytes: number;
  /** y-indexeddb's entries and their summed length (more than updateBytes until it compacts). */
  readonly idbUpdateEntries: number;
  readonly idbUpdateBytes: number;
}

/**
 * Measures the document in a page. The page has no Yjs of its own to call, so the encoded size
 * comes from y-indexeddb's stored updates: one compacted entry is the document's encoding; more
 * entries are copied here and merged with Yjs (call flushIndexedDb first).
 */
export async function docSize(page: Page, room: string): Promise<DocSize> {
  const found = await page.evaluate(async (name) => {
    const handle = (window as BenchWindow).kaifong;
    if (!handle) throw new Error('window.kaifong is not set');
    let jsonBytes = 0;
    let mapEntries = 0;
    handle.doc.getMap('records').forEach((value) => {
      mapEntries++;
      if (typeof value === 'string') jsonBytes += value.length;
    });
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const updates = await new Promise<Uint8Array[]>((resolve, reject) => {
      const req = db.transaction('updates').objectStore('updates').getAll();
      req.onsuccess = () => resolve(req.result as Uint8Array[]);
      req.onerror = () => reject(req.error);
    });
    db.close();
    const toBase64 = (bytes: Uint8Array): string => {
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    return {
      mapEntries,
      jsonBytes,
      foldRecords: handle.board.fold.recordCount,
      posts: handle.board.fold.postCount,
      idbUpdateEntries: updates.length,
      idbUpdateBytes: updates.reduce((sum, u) => sum + u.byteLength, 0),
      copies: updates.length > 1 ? updates.map(toBase64) : [],
    };
  }, databasesOf(room).doc);
  let updateBytes = found.idbUpdateBytes;
  if (found.copies.length > 0) {
    const doc = new Y.Doc();
    for (const copy of found.copies) Y.applyUpdate(doc, Buffer.from(copy, 'base64'));
    updateBytes = Y.encodeStateAsUpdate(doc).length;
    doc.destroy();
  }
  const { copies: _copies, ...rest } = found;
  return { ...rest, updateBytes };
}

/** Logical size of IndexedDB databases: the summed lengths of keys and values, per database. */
export async function idbLogicalBytes(page: Page, names: readonly string[]): Promise<Record<string, number>> {
  return page.evaluate(async (names) => {
    const sizeOf = (value: unknown): number => {
      if (typeof value === 'string') return value.length;
      if (value instanceof ArrayBuffer) return value.byteLength;
      if (ArrayBuffer.isView(value)) return value.byteLength;
      if (typeof value === 'number' || typeof value === 'boolean') return 8;
      return JSON.stringify(value)?.length ?? 0;
    };
    const out: Record<string, number> = {};
    for (const name of names) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      let total = 0;
      for (const store of db.objectStoreNames) {
        total += await new Promise<number>((resolve, reject) => {
          let sum = 0;
          const req = db.transaction(store).objectStore(store).openCursor();
          req.onsuccess = () => {
            const cursor = req.result;
            if (!cursor) return resolve(sum);
            sum += sizeOf(cursor.key) + sizeOf(cursor.value);
            cursor.continue();
          };
          req.onerror = () => reject(req.error);
        });
      }
      db.close();
      out[name] = total;
    }
    return out;
  }, names);
}

/** navigator.storage.estimate().usage: everything the origin stores (IndexedDB, caches, …). */
export function storageUsage(page: Page): Promise<number | null> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? null);
}

// ---- seeded squares, shared between scenarios --------------------------------------------------

/** A square founded in the UI by a peer of its own and seeded through its board. */
export interface SeededSquare {
  readonly key: string;
  readonly mix: RecordMix;
  readonly peer: Peer;
  readonly link: string;
  readonly room: string;
  readonly seed: SeedTiming;
  /** navigator.storage.estimate() usage right after seeding. */
  readonly storageBytes: number | null;
  /** True when an earlier scenario seeded it (its timings are from then). */
  readonly reused: boolean;
}

export function mixKey(mix: RecordMix): string {
  return `${mix.posts}x${1 + mix.updatesPerPost}`;
}

/**
 * Seeds squares for scenarios, and keeps one for a later scenario when asked to. Seeding is
 * slow at scale (IndexedDB takes minutes to commit 50,000 separate y-indexeddb writes), so a
 * board size that two scenarios need is seeded once: the first scenario releases it, the next
 * one takes it, reloads it and closes it.
 */
export class SquarePool {
  readonly #kept = new Map<string, SeededSquare>();

  constructor(
    private readonly browser: Browser,
    private readonly serverUrl: string,
    private readonly chunk: number,
    /** Keys (mixKey) that more than one scenario of this run seeds. */
    private readonly shared: ReadonlySet<string>,
  ) {}

  async take(mix: RecordMix, label: string): Promise<SeededSquare> {
    const key = mixKey(mix);
    const kept = this.#kept.get(key);
    if (kept) {
      this.#kept.delete(key);
      log(`${label}: reusing the square seeded earlier with ${describeMix(mix)}`);
      return kept;
    }
    const peer = await openPeer(this.browser, this.serverUrl, label);
    try {
      const link = await createSquare(peer.page, `Bench ${key}`, 'Bench seeder');
      const room = await roomOf(peer.page);
      log(`${label}: seeding ${describeMix(mix)} through the board (batches of ~${this.chunk} records)`);
      const seed = await seedRecords(peer.page, room, mix, this.chunk, label);
      const storageBytes = await storageUsage(peer.page);
      return { key, mix, peer, link, room, seed, storageBytes, reused: false };
    } catch (error) {
      await peer.context.close().catch(() => undefined);
      throw error;
    }
  }

  /** Done with a square: kept for the next scenario that seeds the same, or closed. */
  async release(square: SeededSquare): Promise<void> {
    if (!square.reused && this.shared.has(square.key) && !this.#kept.has(square.key) && !square.peer.page.isClosed()) {
      this.#kept.set(square.key, { ...square, reused: true });
      return;
    }
    await square.peer.context.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const squares = [...this.#kept.values()];
    this.#kept.clear();
    await Promise.all(squares.map((s) => s.peer.context.close().catch(() => undefined)));
  }
}
