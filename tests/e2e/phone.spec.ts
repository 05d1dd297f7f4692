// The square on a phone (390 × 844, touch) and on a desktop: posts on the first screen, nothing
// wider than the screen, thumb-sized controls, the flows that close and reopen posts, the dead
// ends a resident can meet, and no axe violations in any language.

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { en, zhHans, zhHant } from '../support/messages.ts';
import { APP_TIMEOUT_MS, createSquare, openFilters, openShare, postList, publishPost } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

/** A 200-character link with no place to break, as residents paste them from chat apps. */
const LONG_LINK = `https://example.org/${'a1b2c3d4e5'.repeat(18)}`.slice(0, 200);

const LAYOUTS = [
  { name: 'phone', phone: true },
  { name: 'desktop', phone: false },
] as const;

function items(page: Page) {
  return postList(page).getByRole('listitem');
}

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** How far the page is wider than its viewport, in px (0 when nothing sticks out). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Every control a resident can touch on the first screen that is smaller than 44 × 44 px, named
 * by its text. A checkbox or radio counts by its label, which is what a finger presses.
 */
function smallControlsOnFirstScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = [
      'button',
      'a[href]',
      'select',
      'textarea',
      'summary',
      'input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"])',
      'label:has(> input[type="checkbox"])',
      'label:has(> input[type="radio"])',
    ].join(', ');
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue; // not shown
      if (rect.bottom <= 0 || rect.top >= window.innerHeight) continue; // not on the first screen
      if (rect.width < 44 || rect.height < 44) {
        const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40);
        small.push(`${element.tagName.toLowerCase()} "${name}" ${Math.round(rect.width)}×${Math.round(rect.height)}`);
      }
    }
    return small;
  });
}

for (const layout of LAYOUTS) {
  test(`${layout.name}: the first post is on the first screen, nothing is wider than the screen, every control there is at least 44 px`, async ({
    openPeer,
  }) => {
    const page = await openPeer({ phone: layout.phone });
    expect(await smallControlsOnFirstScreen(page)).toEqual([]);
    await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
    await openShare(page);
    // Share & settings is folded again on a phone, as a resident would leave it.
    const share = page.getByRole('button', { name: 'Share & settings' });
    if (await share.isVisible()) await share.click();
    await publishPost(page, { item: 'Thermometer', quantity: 1, note: `Instructions here: ${LONG_LINK}` });
    await publishPost(page, {
      item: 'Pulse oximeter',
      quantity: 1,
      urgency: 'Urgent: someone is ill now',
      note: 'for grandma',
    });
    await page.evaluate(() => window.scrollTo(0, 0));

    await expect(items(page).first().getByRole('heading')).toBeInViewport({ ratio: 1 });
    await expect(items(page).filter({ hasText: LONG_LINK })).toBeVisible();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await smallControlsOnFirstScreen(page)).toEqual([]);

    // The filters, folded or not, fit too.
    await openFilters(page);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await smallControlsOnFirstScreen(page)).toEqual([]);

    // The New post form: its close button at the top and Publish on the first screen of the form.
    await page.getByRole('button', { name: 'New post' }).click();
    const form = page.getByRole('dialog', { name: 'New post' });
    await expect(form.getByRole('button', { name: /^Close/ })).toBeInViewport({ ratio: 1 });
    await expect(form.getByRole('button', { name: 'Publish' })).toBeInViewport({ ratio: 1 });
    await expect(form.getByRole('button', { name: 'Publish' })).toBeDisabled();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });
}

test('phone: publish, resolve, undo and reopen with a long-link post on the board', async ({ openPeer }) => {
  const page = await openPeer({ phone: true });
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, { item: 'Thermometer', quantity: 1, note: `See ${LONG_LINK}` });
  await publishPost(page, { item: 'Antigen rapid test', quantity: 1, note: 'for my son' });
  const son = items(page).filter({ hasText: 'for my son' });

  await son.getByRole('button', { name: 'Mark resolved' }).click();
  await expect(son).toHaveCount(0);
  await expect(page.getByText('Post marked resolved.')).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(son).toContainText('Open');

  await son.getByRole('button', { name: 'Withdraw' }).click();
  await expect(son).toHaveCount(0);
  await expect(page.getByText('Post withdrawn.')).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(son).toContainText('Open');

  // Resolved, and reopened later by its author from the closed posts.
  await son.getByRole('button', { name: 'Mark resolved' }).click();
  await expect(son).toHaveCount(0);
  await openFilters(page);
  await page.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
  await expect(son).toContainText('Resolved');
  await son.getByRole('button', { name: 'Reopen' }).click();
  await expect(son).toContainText('Open');
  await expect(son.getByRole('button', { name: 'Mark resolved' })).toBeVisible();

  // "My posts" keeps the resident's own; the long link never widens the page.
  await page.getByRole('checkbox', { name: 'My posts' }).check();
  await expect(items(page)).toHaveCount(2);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});

test('phone: each dead end says what to do', async ({ openPeer }) => {
  const page = await openPeer({ phone: true });

  // A square name of only spaces is refused, and nothing is founded.
  await page.getByLabel('Square name').fill('   ');
  await page.getByLabel('Your name').fill('Ah Mei');
  await page.getByRole('button', { name: 'Create a square' }).click();
  await expect(page.getByRole('region', { name: 'Create a square' }).getByRole('alert')).toHaveText(
    'A name cannot be only spaces. Please type a name.',
  );
  await expect(page.getByRole('button', { name: 'Create a square' })).toBeVisible();

  const founder = await openPeer({ phone: true });
  const link = await createSquare(founder, 'Lok Fu Estate', 'Ah Mei');

  // A link cut short, or with a character changed on the way, is damaged.
  const joining = page.getByRole('region', { name: 'Join with a link' });
  const paste = page.getByRole('textbox', { name: 'Paste an invite link' });
  for (const damaged of [link.slice(0, -8), link.replace(/k=(.)/, 'k=*')]) {
    await paste.fill(damaged);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(joining.getByRole('alert')).toHaveText('This invite link is damaged — ask for it again.');
  }

  // The founder goes away before anyone else has the square.
  await founder.context().close();

  // A link pasted with the chat message around it opens the square.
  await paste.fill(`Join here: ${link} thanks!`);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Join this square' })).toBeVisible({ timeout: APP_TIMEOUT_MS });

  // A newcomer whose square has not arrived is told what is happening, not to be the first.
  await expect(page.getByText('Waiting for a neighbour to come online — posts arrive when one does.')).toBeVisible();
  await expect(page.getByText('No open posts yet.')).toHaveCount(0);

  // Your name of only spaces is refused too.
  await page.getByLabel('Your name').fill('  ');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('A name cannot be only spaces. Please type a name.');

  // Opening a damaged link directly says so as well.
  await page.goto(link.slice(0, -8));
  await expect(joining.getByRole('alert')).toHaveText('This invite link is damaged — ask for it again.');
});

for (const layout of LAYOUTS) {
  test(`${layout.name}: every view has no axe violations, in English, Traditional and Simplified Chinese`, async ({
    openPeer,
  }) => {
    const page = await openPeer({ phone: layout.phone });
    expect(await violations(page)).toEqual([]);
    await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
    await publishPost(page, { item: 'Paracetamol 500 mg tablets', quantity: 2, note: `Long link: ${LONG_LINK}` });
    await publishPost(page, {
      type: 'Offer',
      item: 'Antigen rapid test',
      quantity: 2,
      note: 'spare tests',
    });
    await openFilters(page);
    await openShare(page);
    for (const [label, t] of [
      ['English', en],
      ['繁體中文', zhHant],
      ['简体中文', zhHans],
    ] as const) {
      await page.getByRole('combobox', { name: /Language|語言|语言/ }).selectOption({ label });
      await expect(page.getByRole('button', { name: t.newPost })).toBeVisible();
      expect(await violations(page), `${label}: the square`).toEqual([]);
      await page.getByRole('button', { name: t.newPost }).click();
      const form = page.getByRole('dialog', { name: t.newPost });
      await expect(form).toBeVisible();
      expect(await violations(page), `${label}: the New post form`).toEqual([]);
      await form.getByRole('button', { name: t.closeKeepDraft }).click();
      await expect(form).toBeHidden();
    }
  });
}
