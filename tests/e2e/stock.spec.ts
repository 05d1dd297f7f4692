// Issue 16: fair distribution, end to end. Each resident is a browser context of its own on the
// real signalling server. The founder makes V a volunteer; V pins 20 surgical masks, 5 per
// household, two pickup slots of capacity 2; six residents claim within the same second, two of
// them elderly.
// After the window (the pages' clocks moved on) V reveals the seed: every device computes the
// same draw, the elderly are served first, each slot within its capacity, the others wait-listed.
// A winner declines and the first on the wait list moves up; "Collected" updates the numbers
// everywhere. Vera's device tells each claimant the result by a sealed message: the one who moved
// up reads both (wait list, then a place) in Messages; a claimant in Chinese reads it in Chinese.

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import {
  APP_TIMEOUT_MS,
  BOARD_VIEW,
  createSquare,
  drawPickupPoints,
  joinSquare,
  waitForPeers,
  type KaifongWindow,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const START = new Date('2026-12-02T09:00:00Z');
const OFFER = '20 × Surgical mask';

const openStock = async (page: Page) => {
  const button = page.getByRole('button', { name: 'Stock', exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
};
const offer = (page: Page) => page.getByRole('listitem', { name: OFFER });
const WAITING = /You are number \d on the wait list/;
const says = (page: Page, text: string | RegExp) => offer(page).getByText(text);
const numbers = (page: Page) => offer(page).getByRole('group', { name: 'Numbers' });

/** What a device computed of the offer: every claim's status, place and wait-list position. */
function drawOn(page: Page): Promise<unknown> {
  return page.evaluate((view) => {
    const board = (window as KaifongWindow).kaifong!.board;
    const state = board[view].stockOffers()[0];
    if (!state) return null;
    return {
      draw: state.draw?.id ?? null,
      numbers: state.numbers,
      claims: state.claims.map((c) => [
        c.author,
        c.status,
        c.award?.place ?? null,
        c.position ?? 0,
        c.body.groups.join(),
      ]),
    };
  }, BOARD_VIEW);
}

test('a volunteer pins masks; claims in the same second are drawn fairly, the same on every device', async ({
  openPeer,
}) => {
  test.setTimeout(300_000);
  const founder = await openPeer({ startTime: START });
  const link = await createSquare(founder, 'Lei Yue Mun', 'Ah Mei');
  await drawPickupPoints(founder, ['Lobby A', 'Lobby B']);
  const volunteer = await openPeer({ startTime: START });
  await joinSquare(volunteer, link, 'Vera');
  const names = ['Mr Chan', 'Siu Ling', 'Ka Ho', 'Mrs Ho', 'Grandpa Wong', 'Grandma Lee'];
  const claimants: Page[] = [];
  for (const name of names) {
    const page = await openPeer({ startTime: START });
    await joinSquare(page, link, name);
    claimants.push(page);
  }
  const everyone = [founder, volunteer, ...claimants];
  await waitForPeers(founder, claimants.length + 1);

  // The founder makes Vera a volunteer.
  await founder.getByRole('button', { name: 'Members', exact: true }).click();
  const vera = founder.getByRole('list', { name: 'Members', exact: true }).getByRole('listitem', { name: 'Vera' });
  await expect(vera).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await vera.getByRole('button', { name: 'Make volunteer' }).click();
  await expect(vera).toContainText('Volunteer');

  // Vera's device learns it (she gets the volunteer's tools), then she pins 20 masks, 5 per
  // household, two slots in lobby B.
  await volunteer.getByRole('button', { name: 'Members', exact: true }).click();
  await expect(volunteer.getByRole('heading', { name: 'Vouch for a neighbour you know in person' })).toBeVisible({
    timeout: APP_TIMEOUT_MS,
  });
  await openStock(volunteer);
  await volunteer.getByRole('button', { name: 'Pin stock' }).click();
  const form = volunteer.getByRole('form', { name: 'Pin stock' });
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Surgical mask' });
  await form.getByLabel('Total quantity').fill('20');
  await form.getByLabel('Per household').fill('5');
  await form.getByLabel('Claims close in (minutes)').fill('30');
  await form.getByRole('button', { name: 'Add a slot' }).click();
  for (const n of [1, 2]) {
    const slot = form.getByRole('group', { name: `Pickup slot ${n}` });
    await slot.getByRole('combobox', { name: 'Pickup point' }).selectOption('Lobby B');
    await slot.getByLabel('Households').fill('2');
  }
  await form.getByRole('button', { name: 'Pin the offer' }).click();
  await expect(offer(volunteer)).toContainText('Claims are open', { timeout: APP_TIMEOUT_MS });

  // Six households claim at once; two are elderly.
  for (const page of claimants) {
    await openStock(page);
    await expect(offer(page).getByRole('button', { name: 'Claim' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  }
  const elderly = claimants.slice(4);
  for (const page of elderly) await offer(page).getByRole('checkbox', { name: 'Elderly' }).check();
  await Promise.all(claimants.map((page) => offer(page).getByRole('button', { name: 'Claim' }).click()));
  for (const page of claimants) {
    await expect(says(page, 'Your claim is in. The draw is after the window closes.')).toBeVisible();
  }
  await expect(numbers(volunteer)).toHaveText(/Claims\s*6\s*Winners\s*0/, { timeout: APP_TIMEOUT_MS });

  // The window closes on every device; until the seed is revealed the offer waits for the organiser.
  await Promise.all(everyone.map((page) => page.clock.fastForward('35:00')));
  await openStock(founder);
  for (const page of everyone) {
    await expect(offer(page)).toContainText('Waiting for the organiser to reveal the draw', {
      timeout: APP_TIMEOUT_MS,
    });
  }
  await volunteer.getByRole('button', { name: 'Reveal the seed and draw' }).click();

  // Every device computes the same draw.
  for (const page of everyone) await expect(offer(page)).toContainText('Drawn', { timeout: APP_TIMEOUT_MS });
  const draw = await drawOn(volunteer);
  for (const page of everyone) await expect.poll(() => drawOn(page), { timeout: APP_TIMEOUT_MS }).toEqual(draw);

  // The elderly are served first: both in the first slot, before anyone else. Each slot holds
  // two households; of the other four, two win and two wait.
  const [first_, second_] = [0, 1].map((n) => volunteer.getByRole('region', { name: /^List: Lobby B/ }).nth(n));
  await expect(first_!.getByRole('row')).toHaveCount(3);
  for (const name of ['Grandpa Wong', 'Grandma Lee']) await expect(first_!.getByRole('row', { name })).toBeVisible();
  await expect(second_!.getByRole('row')).toHaveCount(3); // the header and two households
  const groupsInDrawOrder = ((await drawOn(volunteer)) as { claims: unknown[][] }).claims.map((c) => c[4]);
  expect(groupsInDrawOrder).toEqual(['elderly', 'elderly', '', '', '', '']);
  for (const page of elderly) await expect(says(page, /You got 5\. Collect at Lobby B/)).toBeVisible();
  const others = claimants.slice(0, 4);
  const RESULT = /You got 5|You are number/;
  const texts = await Promise.all(others.map((page) => says(page, RESULT).innerText()));
  const waiting = others.filter((_, i) => WAITING.test(texts[i]!));
  expect(texts.filter((text) => WAITING.test(text)).sort()).toEqual([
    'You are number 1 on the wait list. You move up if someone declines or misses their slot.',
    'You are number 2 on the wait list. You move up if someone declines or misses their slot.',
  ]);

  // A winner declines: the first on the wait list moves up, to the freed slot.
  const first = others[texts.findIndex((text) => text.startsWith('You are number 1'))]!;
  const second = waiting.find((page) => page !== first)!;
  await offer(elderly[0]!).getByRole('button', { name: 'Decline my place' }).click();
  await expect(says(elderly[0]!, 'You declined your place.')).toBeVisible();
  await expect(says(first, /You got 5\. Collect at Lobby B/)).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await expect(says(second, /You are number 1 on the wait list/)).toBeVisible({ timeout: APP_TIMEOUT_MS });

  // Vera's device told the one who moved up both results, by message: first the wait list, then the place.
  await first.getByRole('button', { name: /^Messages, \d unread/ }).click({ timeout: APP_TIMEOUT_MS });
  const inbox = first.getByRole('dialog', { name: 'Messages' });
  await inbox.getByRole('button', { name: /Vera/ }).click();
  await expect(inbox.getByText('About: 20 × Surgical mask')).toBeVisible();
  const told = inbox.getByRole('listitem').filter({ hasText: 'Result of the draw' });
  await expect(told).toHaveCount(2, { timeout: APP_TIMEOUT_MS });
  await expect(told.nth(0)).toContainText('You are number 1 on the wait list');
  await expect(told.nth(1)).toContainText(/You got 5\. Collect at Lobby B/);
  await expect(inbox.getByTestId('result-differs')).toHaveCount(0);
  await inbox.getByRole('button', { name: 'Close' }).click();

  // The volunteer hands over at lobby B: "Collected" counts on every device.
  const row = volunteer.getByRole('row', { name: 'Grandma Lee' });
  await row.getByRole('button', { name: 'Collected' }).click();
  await expect(says(elderly[1]!, 'Collected. Thank you.')).toBeVisible({ timeout: APP_TIMEOUT_MS });
  for (const page of [volunteer, founder]) {
    await expect(numbers(page)).toHaveText(/Claims\s*6\s*Winners\s*4\s*Collected\s*1\s*Left\s*15/, {
      timeout: APP_TIMEOUT_MS,
    });
  }
  const after = await drawOn(volunteer);
  for (const page of everyone) await expect.poll(() => drawOn(page), { timeout: APP_TIMEOUT_MS }).toEqual(after);
});

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Controls of the Stock panel smaller than 44 × 44 px (a checkbox counts by its label), and how far the page is wider than the screen. */
function smallControlsAndOverflow(page: Page): Promise<{ small: string[]; overflow: number }> {
  return page.evaluate(() => {
    const selector = 'button, select, input:not([type="checkbox"]), label:has(> input[type="checkbox"])';
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(`#stock-panel :is(${selector})`)) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.width < 44 || rect.height < 44)
        small.push(`${element.tagName} "${element.textContent?.trim().slice(0, 30)}"`);
    }
    return { small, overflow: document.documentElement.scrollWidth - window.innerWidth };
  });
}

test('the Stock views have no axe violations, fit a phone and keep 44 px targets, in English and Chinese', async ({
  openPeer,
}) => {
  test.setTimeout(180_000);
  const organiser = await openPeer({ startTime: START });
  const link = await createSquare(organiser, 'Lei Yue Mun', 'Vera');
  await drawPickupPoints(organiser, ['Lobby A', 'Lobby B']);
  const resident = await openPeer({ startTime: START, phone: true, locale: 'zh-HK' });
  await resident.goto(link);
  await resident.getByLabel('你的名字').fill('阿美');
  await resident.getByRole('button', { name: '加入', exact: true }).click();
  await waitForPeers(organiser, 1);

  await openStock(organiser);
  await organiser.getByRole('button', { name: 'Pin stock' }).click();
  const form = organiser.getByRole('form', { name: 'Pin stock' });
  await form
    .getByRole('group', { name: 'Pickup slot 1' })
    .getByRole('combobox', { name: 'Pickup point' })
    .selectOption('Lobby B');
  expect(await violations(organiser)).toEqual([]);
  await form.getByLabel('Total quantity').fill('20');
  await form.getByRole('button', { name: 'Pin the offer' }).click();
  await expect(offer(organiser)).toContainText('Claims are open', { timeout: APP_TIMEOUT_MS });

  await resident.getByRole('button', { name: '派發', exact: true }).click();
  const claimForm = resident.getByRole('form', { name: '登記' });
  await expect(claimForm).toBeVisible({ timeout: APP_TIMEOUT_MS });
  expect(await violations(resident)).toEqual([]);
  expect(await smallControlsAndOverflow(resident)).toEqual({ small: [], overflow: 0 });
  await claimForm.getByRole('button', { name: '登記' }).click();
  await expect(resident.getByText('已登記。登記截止後抽籤。')).toBeVisible();

  await Promise.all([organiser, resident].map((page) => page.clock.fastForward('01:05:00')));
  await organiser.getByRole('button', { name: 'Reveal the seed and draw' }).click();
  await expect(resident.getByText(/你獲分配 5。請到Lobby B/)).toBeVisible({ timeout: APP_TIMEOUT_MS });
  expect(await violations(resident)).toEqual([]);
  expect(await smallControlsAndOverflow(resident)).toEqual({ small: [], overflow: 0 });

  // The organiser's device told her the result by a sealed message; her device words it in Chinese.
  await resident.getByRole('button', { name: '訊息，1 則未讀' }).click({ timeout: APP_TIMEOUT_MS });
  const inbox = resident.getByRole('dialog', { name: '訊息' });
  await inbox.getByRole('button', { name: /Vera/ }).click();
  await expect(inbox.getByRole('heading', { name: '與Vera的對話' })).toBeVisible();
  const told = inbox.getByRole('listitem').filter({ hasText: '抽籤結果' });
  await expect(told).toContainText(/你獲分配 5。請到Lobby B（.+）領取。/);
  await expect(inbox.getByTestId('result-differs')).toHaveCount(0);
  expect(await violations(resident)).toEqual([]);
  await inbox.getByRole('button', { name: '關閉' }).click();
  await expect(organiser.getByRole('row', { name: '阿美' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  expect(await violations(organiser)).toEqual([]);
  await organiser.setViewportSize({ width: 390, height: 844 });
  expect(await smallControlsAndOverflow(organiser)).toEqual({ small: [], overflow: 0 });
});
