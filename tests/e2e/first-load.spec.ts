// The first load: small, and enough to show the square's list from the vault before yjs and the
// network code have arrived at all.
import type { Route } from '@playwright/test';
import { INITIAL_JS_BUDGET_BYTES, measureInitialJs } from '../../bench/initial-js.ts';
import { postBody } from '../../bench/support/seed.ts';
import { createSquare, postList, publishAsNeighbours, publishPost, waitForHandle } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

test('the initial JavaScript of the build stays under its ceiling (gzip), in each language', () => {
  for (const catalogue of ['en', 'zh-hant', 'zh-hans']) {
    const { gzipBytes, files } = measureInitialJs('dist', catalogue);
    expect(gzipBytes, `${catalogue}: ${files.map((f) => `${f.path} ${f.gzip}`).join(', ')}`).toBeLessThanOrEqual(
      INITIAL_JS_BUDGET_BYTES,
    );
    // yjs, y-webrtc, simple-peer and the sync code are none of it.
    expect(files.map((f) => f.path).filter((path) => /yjs|y-webrtc|square-network|records-map/.test(path))).toEqual([]);
  }
});

test('a reload shows the list from the vault while yjs is still on its way, then opens the document', async ({
  sharedBrowser,
  server,
}) => {
  // Without the service worker, so the test can hold back yjs's chunk on the network.
  const context = await sharedBrowser.newContext({ permissions: ['camera', 'microphone'], serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(server.url);
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'child with fever' });

  const held: Route[] = [];
  await page.route(/\/assets\/yjs-[\w-]+\.js$/, (route) => void held.push(route));
  await page.reload();
  await expect(postList(page)).toContainText('child with fever');
  await expect.poll(() => held.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => 'kaifong' in window)).toBe(false);

  for (const route of held) await route.continue();
  await page.unroute(/\/assets\/yjs-[\w-]+\.js$/);
  await waitForHandle(page);
  await expect(postList(page)).toContainText('child with fever');
  await context.close();
});

test('a reload paints the square in one go: nothing arrives above the list after it and pushes it down', async ({
  sharedBrowser,
  server,
}) => {
  const context = await sharedBrowser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  // Neighbours' posts, none of mine: the first post's big choices show above the list.
  await publishAsNeighbours(
    page,
    Array.from({ length: 30 }, (_, i) => postBody(i, `Seeded post ${i + 1}`)),
  );

  await page.addInitScript(() => {
    const shifts: string[] = [];
    (window as unknown as { shifts: string[] }).shifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        sources?: { node: Node | null }[];
      })[]) {
        const nodes = (entry.sources ?? []).map((s) => (s.node as Element | null)?.className ?? '?');
        shifts.push(`${entry.value.toFixed(4)} ${nodes.join(', ')}`);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your first post' })).toBeVisible();
  await expect(postList(page).getByRole('listitem').first()).toBeVisible();
  await waitForHandle(page);
  // The conversations' and the desk's states arrive after the network code.
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 })));
  const shifts = await page.evaluate(() => (window as unknown as { shifts: string[] }).shifts);
  const total = shifts.reduce((sum, shift) => sum + Number(shift.split(' ')[0]), 0);
  // NOTE: it was 0.16 with the notices, "Near me" and the Desk button loaded above the list after it.
  expect(total, shifts.join('; ')).toBeLessThan(0.02);
  await context.close();
});

test('the list paints before the kinds it does not show have arrived, which count right after', async ({
  sharedBrowser,
  server,
}) => {
  const context = await sharedBrowser.newContext({ permissions: ['camera', 'microphone'], serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(server.url);
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'child with fever' });
  await waitForHandle(page);
  // The founder records a volunteer's outcome: a follow-up, one of the kinds that fold after the paint.
  const followed = await page.evaluate(async () => {
    const { board } = (window as unknown as { kaifong: { board: KaifongBoard } }).kaifong;
    const [post] = [...board.view.posts()];
    return board.commands.followUp({ action: 'outcome', post: post!.id, outcome: 'done-by-others' });
  });
  expect(followed.ok).toBe(true);
  await expect(postList(page)).toContainText('Volunteer: Done by others');

  const held: Route[] = [];
  await page.route(/\/assets\/late-kinds-[\w-]+\.js$/, (route) => void held.push(route));
  await page.reload();
  await expect(postList(page)).toContainText('child with fever');
  await expect.poll(() => held.length).toBeGreaterThan(0);
  // Held, not judged: the outcome is not shown yet, and nothing from a peer is taken before it can be.
  await expect(postList(page)).not.toContainText('Volunteer:');
  expect(await page.evaluate(() => 'kaifong' in window)).toBe(false);

  for (const route of held) await route.continue();
  await page.unroute(/\/assets\/late-kinds-[\w-]+\.js$/);
  await waitForHandle(page);
  await expect(postList(page)).toContainText('Volunteer: Done by others');
  await context.close();
});

/** What the test reaches of the page's board through its diagnostics handle. */
interface KaifongBoard {
  readonly view: { posts(): Iterable<{ readonly id: string }> };
  readonly commands: { followUp(body: unknown): Promise<{ readonly ok: boolean }> };
}
