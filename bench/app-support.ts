// Helpers for bench/app.ts: statistics, table printing, and driving the app in a browser page.
// Nothing here measures anything by itself.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import type * as Y from 'yjs';
import type { Board } from '../src/lib/board/board.ts';
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

/** Opens the app in a fresh peer context; page errors are printed, not swallowed. */
export async function openPeer(browser: Browser, url: string, label: string): Promise<Peer> {
  const context = await newPeerContext(browser);
  // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(...)` calls;
  // functions passed to page.evaluate carry those calls into the page, so define it there.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`[${label} page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') log(`[${label} console.error] ${message.text()}`);
  });
  await page.goto(url);
  return { context, page };
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
