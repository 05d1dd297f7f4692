// Issue 15, epochs: the founder starts a fresh shared document. Each peer is its own browser
// context on the real signalling server: founder A, B online, and C whose page is closed across
// the epoch. A's fresh document holds every live record and none of the junk a forged entry
// left; B moves over the same connection; a post written on the new document reaches C when it
// comes back, because C's device moves on meeting a neighbour already there. The old document
// leaves each device's IndexedDB.

import type { Page } from '@playwright/test';
import {
  APP_TIMEOUT_MS,
  createSquare,
  joinSquare,
  postList,
  publishPost,
  roomDatabases,
  roomOf,
  type KaifongWindow,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const post = (page: Page, text: string) => postList(page).getByRole('listitem').filter({ hasText: text });
const epochOf = (page: Page, room: string) =>
  page.evaluate((room) => JSON.parse(localStorage.getItem(`kaifong-epoch-${room}`) ?? '{"epoch":0}').epoch, room);
/** Keys of the shared map of the document in use. */
const documentKeys = (page: Page) =>
  page.evaluate(() => [...(window as KaifongWindow).kaifong!.doc.getMap('records').keys()]);
/** Bytes of the document in use that are not live records: tombstones, junk's keys. */
const waste = (page: Page) =>
  page.evaluate(() => {
    const { document, live } = (window as KaifongWindow).kaifong!.board.sizes();
    return document - live;
  });

test('the founder starts a fresh document: every device moves to it, one closed across it too, with every post', async ({
  openPeer,
}) => {
  test.setTimeout(240_000);
  const a = await openPeer();
  const link = await createSquare(a, 'Tai Hang', 'Ah Mei');
  const room = roomOf(link);
  const b = await openPeer();
  await joinSquare(b, link, 'Siu Ling');
  const c = await openPeer();
  await joinSquare(c, link, 'Mr Chan');
  await publishPost(a, { item: 'Thermometer', quantity: 1, note: 'spare thermometer from A' });
  await publishPost(c, { item: 'N95 mask', quantity: 2, note: 'masks needed by C' });
  for (const page of [a, b, c]) await expect(post(page, 'masks needed by C')).toBeVisible({ timeout: APP_TIMEOUT_MS });

  // A modified client writes junk; the boards remove it, which leaves its key behind as a tombstone.
  await b.evaluate(() => (window as KaifongWindow).kaifong!.doc.getMap('records').set('Z'.repeat(400), 'junk'));
  await expect.poll(() => documentKeys(a), { timeout: APP_TIMEOUT_MS }).not.toContain('Z'.repeat(400));
  const wasteBefore = await waste(a);
  expect(wasteBefore).toBeGreaterThan(400);

  // C's page closes: its device is offline across the epoch.
  const cContext = c.context();
  await c.close();

  await a.getByText('Square settings and archive').click();
  const section = a.getByRole('region', { name: 'A lighter square' });
  await expect(section).toContainText('The shared document is');
  await section.getByRole('button', { name: 'Start a fresh document' }).click();
  await expect(section).toContainText('Fresh document number 1 started.', { timeout: APP_TIMEOUT_MS });
  await section.scrollIntoViewIfNeeded();
  await a.screenshot({ path: 'test-results/epoch-founder.png' });

  // B moves over; a post on the fresh document reaches it.
  await expect.poll(() => epochOf(b, room), { timeout: APP_TIMEOUT_MS }).toBe(1);
  await publishPost(a, { item: 'Surgical mask', quantity: 5, note: 'masks after the epoch' });
  await expect(post(b, 'masks after the epoch')).toBeVisible({ timeout: APP_TIMEOUT_MS });
  for (const page of [a, b]) {
    await expect(post(page, 'spare thermometer from A')).toBeVisible();
    await expect(post(page, 'masks needed by C')).toBeVisible();
    // The fresh document holds the live records, and not the junk's key, which stayed behind.
    expect(await waste(page)).toBeLessThan(wasteBefore - 400);
    await expect
      .poll(() => roomDatabases(page, room), { timeout: APP_TIMEOUT_MS })
      .not.toContain(`kaifong-doc-${room}`);
    expect(await roomDatabases(page, room)).toContain(`kaifong-doc-${room}~1`);
  }

  // C comes back on the old document, meets a neighbour on the new one, and moves with it.
  const back = await cContext.newPage();
  await back.goto(link);
  await expect(post(back, 'masks after the epoch')).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await expect.poll(() => epochOf(back, room), { timeout: APP_TIMEOUT_MS }).toBe(1);
  await expect(post(back, 'masks needed by C').getByRole('button', { name: 'Erase' })).toBeVisible();
  await publishPost(back, { item: 'Cough medicine', quantity: 1, note: 'cough medicine for C' });
  for (const page of [a, b]) await expect(post(page, 'cough medicine for C')).toBeVisible({ timeout: APP_TIMEOUT_MS });
});
