// Issue 10, a leaked link: the founder moves the square to a new link. Each peer is its own
// browser context on the real signalling server: founder A, C whom A vouched for, and D whom
// nobody vouched for (the leaked link's holder, say). A moves; C's device follows on its own with
// every post, and a new post of A's reaches C there; D's old square says it has moved, and D is
// not in the new room, nor is a newcomer who opens the leaked link. After the move C's device never
// names the old room to the signalling server.

import type { Page } from '@playwright/test';
import { APP_TIMEOUT_MS, createSquare, joinSquare, postList, publishPost, roomOf } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const post = (page: Page, text: string) => postList(page).getByRole('listitem').filter({ hasText: text });
const peersOf = async (page: Page) => Number(await page.getByRole('status').getAttribute('data-peers'));
const openMembers = (page: Page) => page.getByRole('button', { name: 'Members', exact: true }).click();

/** Every text frame this page sends to the signalling server from now on. */
function signallingFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => frames.push(String(payload))));
  return frames;
}

test('the founder moves the square: vouched members follow with every post, the others see it moved', async ({
  openPeer,
}) => {
  test.setTimeout(180_000);
  const a = await openPeer();
  const oldLink = await createSquare(a, 'Tai Hang', 'Ah Mei');
  const oldRoom = roomOf(oldLink);
  const c = await openPeer();
  const framesOfC = signallingFrames(c);
  await joinSquare(c, oldLink, 'Siu Ling');
  const d = await openPeer();
  await joinSquare(d, oldLink, 'Reseller');

  // A vouches for C with C's code; nobody vouches for D.
  await openMembers(c);
  await c.getByRole('button', { name: 'Show my code' }).click();
  const code = await c.getByRole('textbox', { name: 'My code' }).inputValue();
  await openMembers(a);
  await a.getByRole('textbox', { name: 'Resident’s code' }).fill(code);
  await a.getByRole('button', { name: 'Vouch', exact: true }).click();
  await expect(a.getByText('You vouched for Siu Ling.')).toBeVisible({ timeout: APP_TIMEOUT_MS });

  await publishPost(a, { item: 'Thermometer', quantity: 1, note: 'spare thermometer from A' });
  await publishPost(c, { item: 'N95 mask', quantity: 2, note: 'masks needed by C' });
  await publishPost(d, { item: 'Surgical mask', quantity: 5, note: 'masks from D' });
  for (const text of ['spare thermometer from A', 'masks needed by C', 'masks from D']) {
    for (const page of [a, c, d]) await expect(post(page, text)).toBeVisible({ timeout: APP_TIMEOUT_MS });
  }
  // C's device knows it is vouched before the move (its badge), so the box is sealed to a key it holds.
  await expect(post(a, 'masks needed by C')).toContainText('Verified neighbour');

  // The founder moves the square, after a confirmation that says what happens.
  await a.getByText('Square settings and archive').click();
  await a.getByRole('button', { name: 'Move to a new link' }).click();
  await expect(a.getByRole('group', { name: 'Move this square to a new link?' })).toContainText(
    'Whoever has the old link, including anyone it leaked to, sees “This square has moved” and cannot follow.',
  );
  await a.getByRole('button', { name: 'Move the square' }).click();
  const movedOnA = a.getByRole('alert').filter({ hasText: 'This square has moved' });
  await expect(movedOnA).toContainText('You moved this square to a new link.', { timeout: APP_TIMEOUT_MS });
  await movedOnA.scrollIntoViewIfNeeded();
  await a.screenshot({ path: 'test-results/move-founder-phone.png' });

  // C's device follows on its own, to a room of the same founder, with every post.
  await expect.poll(() => roomOf(c.url()), { timeout: APP_TIMEOUT_MS, intervals: [100] }).not.toBe(oldRoom);
  const newRoom = roomOf(c.url());
  await expect(c.getByText('This square moved to a new link, and your device followed it')).toBeVisible({
    timeout: APP_TIMEOUT_MS,
  });
  framesOfC.length = 0;
  await c.setViewportSize({ width: 390, height: 844 });
  await c.screenshot({ path: 'test-results/move-arrived-phone.png' });
  for (const text of ['spare thermometer from A', 'masks needed by C', 'masks from D']) {
    await expect(post(c, text)).toBeVisible({ timeout: APP_TIMEOUT_MS });
  }
  // Still C's own post, and C is still verified: the same key signs here.
  await expect(post(c, 'masks needed by C')).toContainText('Verified neighbour');
  await expect(post(c, 'masks needed by C').getByRole('button', { name: 'Erase' })).toBeVisible();

  // The founder goes too, with one tap; a new post of A's reaches C in the new room.
  await movedOnA.getByRole('button', { name: 'Go to the new square' }).click();
  await expect.poll(() => roomOf(a.url()), { timeout: APP_TIMEOUT_MS }).toBe(newRoom);
  await expect.poll(() => peersOf(a), { timeout: APP_TIMEOUT_MS, intervals: [100] }).toBeGreaterThanOrEqual(1);
  await publishPost(a, { item: 'Antigen rapid test', quantity: 2, note: 'antigen tests after the move' });
  await expect(post(c, 'antigen tests after the move')).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await expect(post(a, 'masks from D')).toBeVisible();

  // D cannot open the new link: the old square says it has moved, and D is left alone in it.
  const movedOnD = d.getByRole('alert').filter({ hasText: 'This square has moved' });
  await expect(movedOnD).toContainText('Ask a volunteer for the new link.', { timeout: APP_TIMEOUT_MS });
  await expect(movedOnD.getByRole('button', { name: 'Go to the new square' })).toHaveCount(0);
  expect(roomOf(d.url())).toBe(oldRoom);
  await expect.poll(() => peersOf(d), { timeout: APP_TIMEOUT_MS, intervals: [100] }).toBe(0);
  expect(await peersOf(a)).toBe(1);
  await expect(post(d, 'antigen tests after the move')).toHaveCount(0);

  // A newcomer with the leaked link learns it from whoever is left in the old room, and cannot follow.
  const e = await openPeer();
  await e.goto(oldLink);
  await expect(e.getByRole('alert').filter({ hasText: 'This square has moved' })).toContainText(
    'Ask a volunteer for the new link.',
    { timeout: APP_TIMEOUT_MS },
  );
  expect(roomOf(e.url())).toBe(oldRoom);

  // Since it moved, C's device has spoken to the signalling server of the new room only.
  expect(framesOfC.some((frame) => frame.includes(newRoom))).toBe(true);
  expect(framesOfC.filter((frame) => frame.includes(oldRoom))).toEqual([]);

  // C's list of squares holds the new square, not the old one.
  await c.getByRole('button', { name: /All squares/ }).click();
  const squares = c.getByRole('list').filter({ hasText: 'Tai Hang' });
  await expect(squares.getByRole('link')).toHaveCount(1);
  expect(await squares.getByRole('link').getAttribute('href')).toContain(newRoom);

  await d.screenshot({ path: 'test-results/move-left-behind-desktop.png' });
  await d.setViewportSize({ width: 390, height: 844 });
  await d.screenshot({ path: 'test-results/move-left-behind-phone.png' });
  // In Traditional and Simplified Chinese too.
  await d.getByRole('combobox', { name: 'Language' }).selectOption('zh-Hant');
  await d.evaluate(() => window.scrollTo(0, 0));
  await expect(d.getByRole('alert').filter({ hasText: '這個廣場已搬遷' })).toContainText('請向義工索取新連結');
  await d.screenshot({ path: 'test-results/move-left-behind-zh-hant.png' });
  await d.getByRole('combobox', { name: '語言' }).selectOption('zh-Hans');
  await expect(d.getByRole('alert').filter({ hasText: '这个广场已迁走' })).toContainText('请向志愿者索取新链接');
});
