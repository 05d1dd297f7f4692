// A resident's actions in the app, and the app's diagnostics handle, for the Playwright specs
// (tests/e2e) and the app benchmark (bench/app.ts). Role and label locators only. Works outside
// the Playwright test runner too: `expect` from @playwright/test then waits its own 5 s default,
// so every wait on the app's own work names its timeout.
//
// Everything that reaches into the page's `window.kaifong` is in the second half of this file,
// so a change to the board's shape is made here once.

import { expect, type Locator, type Page } from '@playwright/test';
import type * as Y from 'yjs';
import type { Board } from '../../src/lib/board/board.ts';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import type { UpdateAction } from '../../src/lib/domain/kinds/update.ts';
import type { WebrtcTransport } from '../../src/lib/sync/webrtc-transport.ts';
import { neighbourPosts, type NeighbourKeys } from './neighbours.ts';

/** How long founding or joining a square, or peers connecting, may take on a loaded machine. */
export const APP_TIMEOUT_MS = 30_000;

const INVITE_LINK = /#r=.+&k=.+&f=.+/;

// ---- a resident, through the UI ----------------------------------------------------------------

/** Founds a square from the landing page and returns its invite link, once the board is attached. */
export async function createSquare(page: Page, squareName: string, yourName: string): Promise<string> {
  await page.getByLabel('Square name').fill(squareName);
  await page.getByLabel('Your name').fill(yourName);
  await page.getByRole('button', { name: 'Create a square' }).click();
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await waitForHandle(page);
  await openShare(page);
  const invite = page.getByRole('textbox', { name: 'Invite link' });
  await expect(invite).toHaveValue(INVITE_LINK, { timeout: APP_TIMEOUT_MS });
  return invite.inputValue();
}

/** Opens "Share & settings" where it is folded away (a phone); a wide screen always shows it. */
export async function openShare(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Share & settings' });
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
}

/** Opens "Filters" where they are folded away (a phone); a wide screen always shows them. */
export async function openFilters(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: /^Filters/ });
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
}

/** Opens an invite link and joins under a display name, once the board is attached. */
export async function joinSquare(page: Page, link: string, yourName: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Your name').fill(yourName);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await waitForHandle(page);
}

export interface PostInput {
  type?: 'Need' | 'Offer' | 'Swap';
  item: string;
  quantity: number;
  urgency?: string;
  note?: string;
  /** YYYY-MM-DD: offered medicine needs one after today. */
  medicineExpiry?: string;
}

/** Fills the new-post form the way a resident would, and publishes. */
export async function publishPost(page: Page, post: PostInput): Promise<void> {
  await page.getByRole('button', { name: 'New post' }).click();
  const form = page.getByRole('dialog');
  await form.getByRole('radio', { name: post.type ?? 'Need' }).check();
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: post.item });
  await form.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill(String(post.quantity));
  if (post.urgency) await form.getByRole('combobox', { name: 'Urgency' }).selectOption({ label: post.urgency });
  if (post.note) await form.getByRole('textbox', { name: 'Note' }).fill(post.note);
  if (post.medicineExpiry) await form.getByLabel('Medicine expiry date').fill(post.medicineExpiry);
  await form.getByRole('button', { name: 'Publish' }).click();
  await expect(form).toBeHidden();
}

/** The list of posts. */
export function postList(page: Page): Locator {
  return page.getByRole('list', { name: 'Posts' });
}

/** Ah Mei founds "Harbour View" and Mr Chan joins it, each in a browser of their own; resolves once connected. */
export async function twoNeighbours(openPeer: () => Promise<Page>): Promise<{ a: Page; b: Page; link: string }> {
  const a = await openPeer();
  const link = await createSquare(a, 'Harbour View', 'Ah Mei');
  const b = await openPeer();
  await joinSquare(b, link, 'Mr Chan');
  await waitForPeers(a, 1);
  return { a, b, link };
}

/** Waits until the status line reports an open WebRTC data channel to at least `n` peers. */
export async function waitForPeers(page: Page, n: number, timeout = APP_TIMEOUT_MS): Promise<void> {
  const status = page.getByRole('status');
  await expect
    .poll(async () => Number(await status.getAttribute('data-peers')), { timeout, intervals: [100] })
    .toBeGreaterThanOrEqual(n);
}

/** Adds a signalling server in the square's settings; resolves with the invite link, which then carries it. */
export async function addSignallingServer(page: Page, url: string): Promise<string> {
  await page.getByText('Square settings and archive').click();
  await page.getByLabel('Another signalling server (wss://…)').fill(url);
  await page.getByRole('button', { name: 'Add server' }).click();
  const invite = page.getByRole('textbox', { name: 'Invite link' });
  await expect(invite).toHaveValue(new RegExp(`&s=${escapeRegExp(encodeURIComponent(url))}`), {
    timeout: APP_TIMEOUT_MS,
  });
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await waitForHandle(page);
  return invite.inputValue();
}

/** Waits until the status line reports exactly `n` signalling servers answering. */
export async function waitForServers(page: Page, n: number, timeout = APP_TIMEOUT_MS): Promise<void> {
  const status = page.getByRole('status');
  await expect
    .poll(async () => Number(await status.getAttribute('data-servers-up')), { timeout, intervals: [100] })
    .toBe(n);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The room id in an invite link, which names the square's IndexedDB databases. */
export function roomOf(link: string): string {
  const room = /[#&]r=([^&]+)/.exec(new URL(link).hash)?.[1];
  if (room === undefined) throw new Error(`no room in invite link ${link}`);
  return decodeURIComponent(room);
}

/** The founder key (`f=`) in an invite link. */
export function founderOf(link: string): string {
  const founder = /[#&]f=([^&]+)/.exec(new URL(link).hash)?.[1];
  if (founder === undefined) throw new Error(`no founder in invite link ${link}`);
  return decodeURIComponent(founder);
}

/** The invite link with its founder key swapped, as an attacker would pass it on. */
export function withFounder(link: string, founder: string): string {
  const url = new URL(link);
  url.hash = url.hash.replace(/([#&]f=)[^&]+/, `$1${founder}`);
  return url.href;
}

/** The names of the page's IndexedDB databases that belong to a room (its document and vault). */
export function roomDatabases(page: Page, room: string): Promise<string[]> {
  return page.evaluate(
    async (room) => (await indexedDB.databases()).flatMap((db) => (db.name?.includes(room) ? [db.name] : [])),
    room,
  );
}

// ---- the diagnostics handle: window.kaifong ----------------------------------------------------

/**
 * What src/lib/state/square.svelte.ts sets on `window` once the board is attached. Types only:
 * functions passed to `page.evaluate` run in the page, not here.
 */
export interface KaifongHandle {
  readonly doc: Y.Doc;
  readonly board: Board;
  readonly connection: WebrtcTransport;
}
export type KaifongWindow = Window & { kaifong?: KaifongHandle };

/**
 * Where the board keeps its read-only state, for code that runs in the page: `board[BOARD_VIEW]`.
 * NOTE: the one place that names it (it was `fold` before the board was restructured).
 */
export const BOARD_VIEW = 'view' as const satisfies keyof Board;
export type BoardView = Board[typeof BOARD_VIEW];

/** Waits until `window.kaifong` is set, i.e. the board is attached. */
export async function waitForHandle(page: Page, timeout = APP_TIMEOUT_MS): Promise<void> {
  await page.waitForFunction(() => (window as KaifongWindow).kaifong !== undefined, undefined, { timeout });
}

/** Waits until the board has verified, folded and stored everything it has seen. */
export async function boardIdle(page: Page): Promise<void> {
  await page.evaluate(() => (window as KaifongWindow).kaifong?.board.whenIdle());
}

/** Posts the board holds, whatever their status. */
export function postCountOf(page: Page): Promise<number> {
  return page.evaluate((view) => {
    const handle = (window as KaifongWindow).kaifong;
    if (!handle) throw new Error('window.kaifong is not set: the board is not attached');
    return handle.board[view].postCount;
  }, BOARD_VIEW);
}

/** Records the board has accepted. */
export function recordCountOf(page: Page): Promise<number> {
  return page.evaluate((view) => {
    const handle = (window as KaifongWindow).kaifong;
    if (!handle) throw new Error('window.kaifong is not set: the board is not attached');
    return handle.board[view].recordCount;
  }, BOARD_VIEW);
}

/** Open WebRTC data channels as y-webrtc sees them (to prove the path is not BroadcastChannel). */
export function webrtcPeers(page: Page): Promise<number> {
  return page.evaluate(() => {
    let open = 0;
    (window as KaifongWindow).kaifong?.connection.provider?.room?.webrtcConns.forEach((conn) => {
      if (conn.connected) open++;
    });
    return open;
  });
}

/** Posts published through the board's own commands; times are the page's (timeOrigin + now). */
export interface Published {
  readonly ids: PostId[];
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Writes posts by many neighbours (tests/support/neighbours.ts) into the page's shared map, as
 * their devices would have, and waits until the board has folded them. For seeding a large
 * square: one key's own posts are bounded by the limits every device enforces.
 */
export async function publishAsNeighbours(
  page: Page,
  bodies: readonly unknown[],
  notesFor?: (i: number) => readonly string[],
  keys?: NeighbourKeys,
): Promise<Published> {
  const startMs = Date.now();
  const { postIds, entries } = await neighbourPosts(bodies, startMs, notesFor, keys);
  // In pieces, as a peer's updates arrive.
  for (let i = 0; i < entries.length; i += 500) await writeStoredRecords(page, entries.slice(i, i + 500));
  await boardIdle(page);
  return { ids: postIds, startMs, endMs: Date.now() };
}

/** Publishes post bodies concurrently through the board (signed, written, folded); throws if one is refused. */
export async function publishThroughBoard(page: Page, bodies: readonly unknown[]): Promise<Published> {
  const sent = await page.evaluate(async (bodies) => {
    const { board } = (window as KaifongWindow).kaifong!;
    const startMs = performance.timeOrigin + performance.now();
    const results = await Promise.all(bodies.map((body) => board.commands.publishPost(body)));
    const endMs = performance.timeOrigin + performance.now();
    return { results, startMs, endMs };
  }, bodies);
  const ids: PostId[] = [];
  for (const result of sent.results) {
    if (!result.ok) throw new Error(`the board refused a post: ${result.reason}`);
    ids.push(result.id as PostId);
  }
  return { ids, startMs: sent.startMs, endMs: sent.endMs };
}

export interface UpdateOrder {
  readonly post: PostId;
  readonly action: UpdateAction;
  readonly note?: string;
}

/** Writes updates concurrently through the board; throws if one is refused. */
export async function updateThroughBoard(page: Page, orders: readonly UpdateOrder[]): Promise<void> {
  const refused = await page.evaluate(async (orders) => {
    const { board } = (window as KaifongWindow).kaifong!;
    const results = await Promise.all(orders.map((o) => board.commands.updatePost(o.post, o.action, o.note)));
    return results.flatMap((r) => (r.ok ? [] : [r.reason]));
  }, orders);
  if (refused.length > 0) throw new Error(`the board refused an update: ${refused[0]}`);
}

/** The founder names the square and sets how many days closed posts are kept. */
export async function setRetention(page: Page, squareName: string, days: number): Promise<void> {
  const result = await page.evaluate(
    ({ squareName, days }) => (window as KaifongWindow).kaifong!.board.commands.nameSquare(squareName, days),
    { squareName, days },
  );
  if (!result.ok) throw new Error(`could not set retention: ${result.reason}`);
}

/**
 * The founder (or a volunteer) draws pickup points through the board's commands, as the map's
 * editor saves them (tests/e2e/map-edit.spec.ts drives the editor itself).
 */
export async function drawPickupPoints(page: Page, names: readonly string[]): Promise<void> {
  const result = await page.evaluate(
    (names) =>
      (window as KaifongWindow).kaifong!.board.commands.saveSite({
        buildings: [],
        points: names.map((name, i) => ({ name, at: [114.2 + i / 10_000, 22.3] })),
      }),
    names,
  );
  if (!result.ok) throw new Error(`could not draw the pickup points: ${result.reason}`);
}

/** Runs retention as of the page's clock plus `aheadMs`; returns how many posts went. */
export function pruneBoard(page: Page, aheadMs = 0): Promise<number> {
  return page.evaluate((ahead) => (window as KaifongWindow).kaifong!.board.prune(Date.now() + ahead), aheadMs);
}

/** The shared map's entries of one record kind, as stored (id, JSON text): valid or not. */
export function storedRecordsOf(page: Page, kind: string): Promise<[string, string][]> {
  return page.evaluate(
    ({ key, kind }) => {
      const records = (window as KaifongWindow).kaifong!.doc.getMap<string>(key);
      return [...records.entries()].filter(([, text]) => (JSON.parse(text) as { kind?: unknown }).kind === kind);
    },
    { key: RECORDS_KEY, kind },
  );
}

/** Writes entries into the shared map as any peer can (a modified client, say): the board judges them. */
export async function writeStoredRecords(page: Page, entries: readonly [string, string][]): Promise<void> {
  await page.evaluate(
    ({ key, entries }) => {
      const records = (window as KaifongWindow).kaifong!.doc.getMap<string>(key);
      records.doc!.transact(() => entries.forEach(([id, text]) => records.set(id, text)));
    },
    { key: RECORDS_KEY, entries },
  );
}

/** This peer's id on the signalling wire (the guard's key-bound id, or y-webrtc's own before it). */
export function signallingPeerId(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const connection = (window as KaifongWindow).kaifong!.connection as WebrtcTransport & {
      signalGuard?: { peerId(): Promise<string> } | null;
    };
    return connection.signalGuard ? connection.signalGuard.peerId() : connection.provider!.room!.peerId;
  });
}

/** Connections in y-webrtc's table, up or not (each holds an RTCPeerConnection). */
export function webrtcConnCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as KaifongWindow).kaifong?.connection.provider?.room?.webrtcConns.size ?? 0);
}
