// Issue 17: the volunteer desk, end to end. Each peer is its own browser context on the real
// signalling server, every clock a fake one started at the same moment. A resident posts an urgent
// need and goes quiet; after 6 hours it is on volunteer B's desk; B follows up (the founder sees the
// claim), writes a note sealed to the volunteers that resident C cannot read, and a matching offer
// and stock from D show on the need; B records "done by others" and every device shows it; the post's own
// link, forwarded, opens the post saying it is resolved. A resident's forged outcome counts nowhere.

import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { generateIdentity } from '../../src/lib/crypto/signing.ts';
import type { RecordId } from '../../src/lib/domain/ids.ts';
import { signAs } from '../support/neighbours.ts';
import {
  APP_TIMEOUT_MS,
  createSquare,
  drawPickupPoints,
  joinSquare,
  postList,
  publishPost,
  storedRecordsOf,
  waitForPeers,
  writeStoredRecords,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const START = new Date('2026-11-25T08:00:00Z');
const NEED = 'thermometer for my son, 39 degrees';
const NOTE = 'Knocked at 3/F twice, no answer';

const card = (page: Page) => postList(page).getByRole('listitem').filter({ hasText: NEED });
const openDesk = async (page: Page) => {
  await page.getByRole('button', { name: /^Desk/ }).click();
  return page.getByRole('dialog', { name: 'Volunteer desk' });
};
const deskItem = (page: Page) =>
  page.getByRole('list', { name: 'Needs waiting for a volunteer' }).getByRole('listitem', { name: /Thermometer/ });

test('a quiet urgent need reaches the desk; a volunteer follows up with a sealed note and an outcome every device shows', async ({
  openPeer,
}) => {
  test.setTimeout(240_000);
  const a = await openPeer({ startTime: START });
  const link = await createSquare(a, 'Tai Hang', 'Ah Mei');
  const b = await openPeer({ startTime: START });
  await joinSquare(b, link, 'Mr Chan');
  const c = await openPeer({ startTime: START });
  await joinSquare(c, link, 'Siu Ling');
  const d = await openPeer({ startTime: START });
  await joinSquare(d, link, 'Mrs Wong');
  await waitForPeers(a, 3);
  // Stock is collected at one of the site's pickup points.
  await drawPickupPoints(a, ['Lobby A']);

  // The founder makes B a volunteer; B's device gives B the desk.
  await a.getByRole('button', { name: 'Members', exact: true }).click();
  const chan = a.getByRole('list', { name: 'Members', exact: true }).getByRole('listitem', { name: 'Mr Chan' });
  await chan.getByRole('button', { name: 'Make volunteer' }).click();
  await expect(chan).toContainText('Volunteer');
  await expect(b.getByRole('button', { name: /^Desk/ })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  // A resident has no desk, only the compound's figures.
  await expect(c.getByRole('button', { name: 'Figures' })).toBeVisible();
  await expect(c.getByRole('button', { name: /^Desk/ })).toHaveCount(0);

  // C posts an urgent need and goes quiet. Before 6 hours it is not on the desk.
  await publishPost(c, { item: 'Thermometer', quantity: 1, urgency: 'Urgent: someone is ill now', note: NEED });
  await expect(card(b)).toBeVisible({ timeout: APP_TIMEOUT_MS });
  const deskB = await openDesk(b);
  await expect(deskB.getByText('Nothing waiting')).toBeVisible();
  await deskB.getByRole('button', { name: 'Close' }).click();

  for (const page of [a, b, c, d]) await page.clock.fastForward('06:30:00');
  await expect(b.getByRole('button', { name: /^Desk/ })).toContainText('1', { timeout: APP_TIMEOUT_MS });
  await openDesk(b);
  await expect(deskItem(b)).toContainText(/Last news \d+ hr\. ago/);

  // B follows up; the founder, a volunteer too, sees who has it.
  await deskItem(b).getByRole('button', { name: 'Follow up' }).click();
  await expect(deskItem(b)).toContainText('You are following up');
  await openDesk(a);
  await expect(deskItem(a)).toContainText('Mr Chan is following up', { timeout: APP_TIMEOUT_MS });
  await expect(deskItem(a).getByRole('button', { name: 'Follow up' })).toHaveCount(0);

  // B's note is sealed to the volunteers: B and the founder read it, C's device holds ciphertext only.
  await deskItem(b)
    .getByRole('textbox', { name: /Volunteer note/ })
    .fill(NOTE);
  await deskItem(b).getByRole('button', { name: 'Add note' }).click();
  await expect(deskItem(b)).toContainText(NOTE);
  await expect(deskItem(a)).toContainText(NOTE, { timeout: APP_TIMEOUT_MS });
  await expect
    .poll(async () => (await storedRecordsOf(c, 'followup')).filter(([, text]) => text.includes('"note"')).length, {
      timeout: APP_TIMEOUT_MS,
    })
    .toBe(1);
  for (const [, text] of await storedRecordsOf(c, 'followup')) expect(text).not.toContain('Knocked');
  await expect(c.getByText(NOTE)).toHaveCount(0);

  // D offers a thermometer: the need shows the match on every device, and on the desk.
  await publishPost(d, { type: 'Offer', item: 'Thermometer', quantity: 1, note: 'spare thermometer, lobby' });
  await expect(card(c)).toContainText('1 offer matches', { timeout: APP_TIMEOUT_MS });
  await expect(deskItem(b)).toContainText('1 offer matches', { timeout: APP_TIMEOUT_MS });
  await deskItem(b).getByText('1 offer matches').click();
  await expect(deskItem(b).getByRole('link', { name: /Offer: Thermometer/ })).toBeVisible();

  // D also pins a small lot of thermometers as stock: it counts among the need's matches, named as stock.
  await d.getByRole('button', { name: 'Stock', exact: true }).click();
  await d.getByRole('button', { name: 'Pin stock' }).click();
  const form = d.getByRole('form', { name: 'Pin stock' });
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Thermometer' });
  await form.getByLabel('Total quantity').fill('2');
  await form.getByLabel('Per household').fill('1');
  await form.getByLabel('Claims close in (minutes)').fill('30');
  const slot = form.getByRole('group', { name: 'Pickup slot 1' });
  await slot.getByRole('combobox', { name: 'Pickup point' }).selectOption('Lobby A');
  await slot.getByLabel('Households').fill('2');
  await form.getByRole('button', { name: 'Pin the offer' }).click();
  await expect(card(c)).toContainText('2 offers match', { timeout: APP_TIMEOUT_MS });
  await expect(deskItem(b)).toContainText('2 offers match', { timeout: APP_TIMEOUT_MS });
  await expect(deskItem(b)).toContainText('Stock offer: Thermometer');
  await expect(deskItem(b)).toContainText('pickup at Lobby A');

  // B records "done by others": the need leaves the desk and every device shows the outcome.
  await deskItem(b).getByRole('combobox', { name: 'Outcome' }).selectOption({ label: 'Done by others' });
  await deskItem(b).getByRole('button', { name: 'Record outcome' }).click();
  await expect(deskItem(b)).toHaveCount(0);
  await b.getByRole('dialog', { name: 'Volunteer desk' }).getByRole('button', { name: 'Close' }).click();
  await a.getByRole('dialog', { name: 'Volunteer desk' }).getByRole('button', { name: 'Close' }).click();
  for (const page of [a, b, c, d]) {
    await expect(card(page)).toContainText('Volunteer: Done by others', { timeout: APP_TIMEOUT_MS });
    await expect(card(page)).not.toContainText('offer matches');
  }

  // The post's own link, forwarded to D, opens the post as it is now: resolved, do not forward.
  const postLink = await card(a).getByRole('link', { name: 'Link to this post' }).getAttribute('href');
  expect(postLink).toMatch(/^#r=.+&p=[A-Za-z0-9_-]{22}$/);
  await d.goto(new URL(postLink!, link).href);
  const focus = d.getByRole('dialog', { name: 'Post' });
  await expect(focus.getByRole('status')).toHaveText(/^Resolved .* \(Done by others\) — please do not forward$/, {
    timeout: APP_TIMEOUT_MS,
  });
  await expect(focus).toContainText(NEED);
  await focus.getByRole('button', { name: 'Close' }).click();
  await expect(d).toHaveURL(/#r=[^&]+&k=[^&]+&f=[^&]+&n=[^&]+$/);
  // The square is still open, the link took it nowhere else.
  await expect(card(d)).toBeVisible();

  // A resident's own client forges an outcome on D's offer: no device counts it.
  const offerId = (await storedRecordsOf(a, 'post')).find(([, text]) => text.includes('spare thermometer'))![0];
  const forger = await generateIdentity();
  const forged = await signAs(
    forger,
    'followup',
    { action: 'outcome', post: offerId as RecordId, outcome: 'duplicate' },
    START.getTime() + 7 * 3_600_000,
  );
  await writeStoredRecords(c, [[forged.id, storedForm(forged)]]);
  await expect
    .poll(async () => (await storedRecordsOf(a, 'followup')).some(([id]) => id === forged.id), {
      timeout: APP_TIMEOUT_MS,
    })
    .toBe(true);
  const offerCard = postList(a).getByRole('listitem').filter({ hasText: 'spare thermometer' });
  await expect(offerCard).toBeVisible();
  await expect(offerCard).not.toContainText('Volunteer:');
});

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Controls in the dialog smaller than 44 × 44 px, or the page wider than the phone. */
async function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth) problems.push('wider than the screen');
    for (const el of document.querySelectorAll<HTMLElement>('dialog[open] :is(button, select, summary, a)')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && (box.height < 43.5 || box.width < 43.5))
        problems.push(`${el.textContent?.trim()}: ${box.width}×${box.height}`);
    }
    return problems;
  });
}

test('on a phone the desk, the figures and the lobby sheet are accessible in English and Chinese; the CSV holds no private data', async ({
  openPeer,
}) => {
  test.setTimeout(120_000);
  const page = await openPeer({ startTime: START, phone: true });
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, {
    item: 'Thermometer',
    quantity: 1,
    urgency: 'Urgent: someone is ill now',
    note: 'Flat 12B, call 9123 4567',
  });
  await page.clock.fastForward('07:00:00');
  const desk = await openDesk(page);
  await expect(deskItem(page)).toBeVisible({ timeout: APP_TIMEOUT_MS });
  expect(await violations(page)).toEqual([]);
  expect(await phoneProblems(page)).toEqual([]);

  await desk.getByRole('button', { name: 'Figures' }).click();
  await expect(desk.getByRole('img', { name: /Chart of needs and offers/ })).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(await phoneProblems(page)).toEqual([]);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    desk.getByRole('button', { name: 'Download posts as CSV' }).click(),
  ]);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.split('\r\n')[1]).toMatch(/^need,thermometerx1,urgent,no,,2026-11-25T08:0\dZ,open,,,$/);
  for (const secret of ['Ah Mei', '12B', '9123', 'ed25519:', 'p256:']) expect(csv).not.toContain(secret);

  await desk.getByRole('button', { name: 'Lobby sheet' }).click();
  await expect(desk.getByRole('list', { name: 'No building given' })).toContainText('Thermometer × 1');
  await expect(desk.getByRole('region', { name: /Open needs by building/ })).not.toContainText('12B');
  expect(await violations(page)).toEqual([]);

  await desk.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '繁體中文' });
  await page.getByRole('button', { name: /^義工工作台/ }).click();
  const zh = page.getByRole('dialog', { name: '義工工作台' });
  await expect(zh.getByRole('button', { name: '跟進', exact: true })).toBeVisible();
  expect(await violations(page)).toEqual([]);
  await zh.getByRole('button', { name: '數據' }).click();
  await expect(zh.getByRole('img', { name: /最近 14 日/ })).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(await phoneProblems(page)).toEqual([]);
});
