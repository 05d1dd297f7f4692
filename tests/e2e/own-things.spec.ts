// What residents expect of their own things, driven as they would: edit a post, edit my name
// and building, leave a square, land in my last square, the first-run explanation, "not shared
// yet", the warning before an urgent post expires, posting for a neighbour without a phone and
// the big choices of a first post; and no axe violations in the new views.

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import {
  createSquare,
  joinSquare,
  openShare,
  postList,
  publishPost,
  roomDatabases,
  roomOf,
  twoNeighbours,
  waitForPeers,
} from '../support/page-driver.ts';
import { en } from '../../src/lib/i18n/en.ts';
import { expect, test } from './fixtures.ts';

const BLANK_NAME = en.reasons['blank-name'];

function post(page: Page, text: string) {
  return postList(page).getByRole('listitem').filter({ hasText: text });
}

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('the author edits a post: the neighbour sees the new quantity, place and note, marked edited', async ({
  openPeer,
}) => {
  const { a, b } = await twoNeighbours(openPeer);
  await publishPost(a, { item: 'Paracetamol 500 mg tablets', quantity: 2, note: 'two please' });
  await expect(post(b, 'two please')).toBeVisible();
  // Only the author may edit.
  await expect(post(b, 'two please').getByRole('button', { name: 'Edit' })).toHaveCount(0);

  await post(a, 'two please').getByRole('button', { name: 'Edit' }).click();
  const form = a.getByRole('dialog', { name: 'Edit post' });
  await expect(form.getByRole('textbox', { name: 'Note' })).toHaveValue('two please');
  await form.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill('1');
  await form.getByLabel('Building', { exact: true }).fill('Block 3');
  await form.getByRole('textbox', { name: 'Note' }).fill('one is enough now');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toBeHidden();

  const theirs = post(b, 'one is enough now');
  await expect(theirs).toContainText('Paracetamol 500 mg tablets × 1 tablet');
  await expect(theirs).toContainText('Block 3');
  await expect(theirs).toContainText('edited');
  await expect(post(b, 'two please')).toHaveCount(0);
  // A quantity a new post could not have is refused in an edit too.
  await post(a, 'one is enough now').getByRole('button', { name: 'Edit' }).click();
  await form.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill('500');
  await expect(form.getByRole('button', { name: 'Save changes' })).toBeDisabled();
});

test('a resident changes their name and building: neighbours see the new ones', async ({ openPeer }) => {
  const { a, b } = await twoNeighbours(openPeer);
  await publishPost(b, { item: 'Thermometer', quantity: 1, note: 'for my mother' });
  await expect(post(a, 'for my mother')).toContainText('Mr Chan');

  await openShare(b);
  await b.getByRole('button', { name: 'My name and building' }).click();
  await expect(b.getByRole('textbox', { name: 'Your name' })).toHaveValue('Mr Chan');
  await b.getByRole('textbox', { name: 'Your name' }).fill('   ');
  await b.getByRole('button', { name: 'Save changes' }).click();
  // Only spaces is no name.
  await expect(b.getByRole('alert')).toContainText(BLANK_NAME);
  await b.getByRole('textbox', { name: 'Your name' }).fill('Chan Tai Man');
  await b.getByRole('textbox', { name: 'Building (optional)' }).fill('Block 5');
  await b.getByRole('button', { name: 'Save changes' }).click();
  await expect(b.getByText('Saved. Neighbours see your new name and building.')).toBeVisible();

  await expect(post(a, 'for my mother')).toContainText('Chan Tai Man');
  // The new building is where the next post starts from.
  await b.getByRole('button', { name: 'New post' }).click();
  await expect(b.getByRole('dialog').getByLabel('Building', { exact: true })).toHaveValue('Block 5');
});

test('a resident leaves a square: it is off "Your squares" and its data is deleted from the device', async ({
  openPeer,
}) => {
  const page = await openPeer();
  const link = await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, { item: 'Thermometer', quantity: 1, note: 'kept on this phone' });
  await expect.poll(() => roomDatabases(page, roomOf(link))).not.toEqual([]);

  await openShare(page);
  await page.getByRole('button', { name: 'Leave this square' }).click();
  const confirm = page.getByRole('group', { name: 'Leave this square?' });
  await expect(confirm).toContainText('This cannot be undone.');
  // Changing one's mind keeps everything.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(post(page, 'kept on this phone')).toBeVisible();
  await page.getByRole('button', { name: 'Leave this square' }).click();
  await page.getByRole('button', { name: 'Leave and delete from this phone' }).click();

  await expect(page.getByRole('alert')).toHaveText('You left Lok Fu Estate. Its data is deleted from this phone.');
  await expect(page.getByText('You have not joined a square on this device yet.')).toBeVisible();
  await expect.poll(() => roomDatabases(page, roomOf(link))).toEqual([]);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Create a square' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Lok Fu Estate' })).toHaveCount(0);
});

test('a returning resident opening the bare address lands in their last square; after "All squares", on the list', async ({
  openPeer,
  server,
}) => {
  const page = await openPeer();
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await page.goto('about:blank');
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Lok Fu Estate' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible();

  await page.getByRole('button', { name: '← All squares' }).click();
  await page.goto('about:blank');
  await page.goto(server.url);
  await expect(page.getByRole('link', { name: 'Lok Fu Estate' })).toBeVisible();
});

test('the first-run explanation shows once, to the founder and to a newcomer, and again from the menu', async ({
  openPeer,
}) => {
  const a = await openPeer();
  const intro = a.getByRole('region', { name: 'How this square works' });
  await expect(intro).toContainText('No server keeps your posts');
  await expect(intro).toContainText('The invite link is the key');
  await intro.getByRole('button', { name: 'Got it' }).click();
  await expect(intro).toBeHidden();
  await a.reload();
  await expect(a.getByRole('heading', { name: 'Create a square' })).toBeVisible();
  await expect(intro).toBeHidden();

  const link = await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
  await a.getByRole('button', { name: 'How it works' }).click();
  await expect(intro).toBeVisible();
  await expect(a.getByRole('heading', { name: 'How this square works' })).toBeFocused();
  await intro.getByRole('button', { name: 'Got it' }).click();
  await expect(intro).toBeHidden();

  // A newcomer opening the link reads it above the join form; once joined, it has had its turn.
  const b = await openPeer();
  await b.goto(link);
  await expect(b.getByRole('region', { name: 'How this square works' })).toBeVisible();
  await expect(b.getByRole('heading', { name: 'Join this square' })).toBeVisible();
  await b.getByLabel('Your name').fill('Mr Chan');
  await b.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(b.getByRole('button', { name: 'New post' })).toBeVisible();
  await expect(b.getByRole('region', { name: 'How this square works' })).toBeHidden();
  await b.reload();
  await expect(b.getByRole('button', { name: 'New post' })).toBeVisible();
  await expect(b.getByRole('region', { name: 'How this square works' })).toBeHidden();
});

test('a post made with no neighbour online is "not shared yet" until one comes', async ({ openPeer }) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(a, { item: 'Thermometer', quantity: 1, note: 'written alone' });
  await expect(post(a, 'written alone')).toContainText('not shared yet');

  const b = await openPeer();
  await joinSquare(b, link, 'Mr Chan');
  await waitForPeers(a, 1);
  await expect(post(b, 'written alone')).toBeVisible();
  await expect(post(a, 'written alone')).not.toContainText('not shared yet');
  // A neighbour's own copy is never "not shared yet": it is not theirs.
  await expect(post(b, 'written alone')).not.toContainText('not shared yet');
});

test('the author of an urgent post is told before it expires, and renews it from the warning', async ({ openPeer }) => {
  const page = await openPeer({ startTime: new Date('2026-11-25T08:00:00Z') });
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, {
    item: 'Pulse oximeter',
    quantity: 1,
    urgency: 'Urgent: someone is ill now',
    note: 'oximeter for dad',
  });
  const warning = page.getByText(/^Your urgent post “Pulse oximeter × 1.*” closes in/);
  await page.clock.fastForward('20:00:00');
  await expect(post(page, 'oximeter for dad')).toContainText('Open');
  await expect(warning).toHaveCount(0);

  await page.clock.fastForward('01:30:00');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('still needed?');
  await expect(post(page, 'oximeter for dad')).toContainText('Open');
  await warning.locator('..').getByRole('button', { name: 'Renew' }).click();
  await expect(warning).toHaveCount(0);
  await expect(post(page, 'oximeter for dad')).toContainText('renewed');
});

test('a post for a neighbour without a phone names them for volunteers only', async ({ openPeer }) => {
  // Ah Mei founded the square, so she is a volunteer here; Mr Chan is not.
  const { a, b } = await twoNeighbours(openPeer);
  async function postForNeighbour(page: Page, building: string, note: string) {
    await page.getByRole('button', { name: 'New post' }).click();
    const form = page.getByRole('dialog');
    await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Thermometer' });
    await form.getByRole('checkbox', { name: 'I am posting for a neighbour without a phone' }).check();
    await expect(form).toContainText('only volunteers and you see it');
    await form.getByLabel('Building', { exact: true }).fill(building);
    await form.getByRole('textbox', { name: 'Note' }).fill(note);
    await form.getByRole('button', { name: 'Publish' }).click();
    await expect(form).toBeHidden();
  }

  await postForNeighbour(b, 'Block 3', 'Mrs Wong, flat 5B\nfever since last night');
  await expect(post(b, 'fever since last night')).toContainText('Mrs Wong, flat 5B');
  const atVolunteer = post(a, 'fever since last night');
  await expect(atVolunteer).toContainText('For a neighbour in Block 3');
  await expect(atVolunteer).toContainText('For volunteers only: Mrs Wong, flat 5B');

  await postForNeighbour(a, 'Block 7', 'Mr Lee, 2/F\nneeds a thermometer for his wife');
  const atNeighbour = post(b, 'needs a thermometer for his wife');
  await expect(atNeighbour).toContainText('For a neighbour in Block 7');
  await expect(atNeighbour).not.toContainText('Mr Lee');
});

test('the first post starts from big "I need" and "I can give" choices', async ({ openPeer }) => {
  const page = await openPeer({ phone: true });
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  const choices = page.getByRole('region', { name: 'Your first post' });
  await expect(choices).toBeVisible();
  await choices.getByRole('button', { name: 'I can give' }).click();
  const form = page.getByRole('dialog');
  await expect(form.getByRole('radio', { name: 'Offer' })).toBeChecked();
  await form.getByRole('button', { name: 'Cancel' }).click();

  await choices.getByRole('button', { name: 'I need' }).click();
  await expect(form.getByRole('radio', { name: 'Need' })).toBeChecked();
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Thermometer' });
  await form.getByRole('button', { name: 'Publish' }).click();
  await expect(form).toBeHidden();
  await expect(post(page, 'Thermometer')).toBeVisible();
  await expect(choices).toBeHidden();
  // "New post" stays for every post after.
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible();
});

for (const locale of ['en-GB', 'zh-HK'] as const) {
  test(`${locale}: no axe violations in the first-run explanation, first post, edit, profile and leave views`, async ({
    openPeer,
  }) => {
    const page = await openPeer({ phone: true, locale });
    expect(await violations(page)).toEqual([]);
    await page.getByRole('combobox', { name: /Language|語言/ }).selectOption({ label: 'English' });
    await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
    if (locale === 'zh-HK')
      await page.getByRole('combobox', { name: /Language|語言/ }).selectOption({ label: '繁體中文' });
    expect(await violations(page)).toEqual([]);
    await page.getByRole('combobox', { name: /Language|語言/ }).selectOption({ label: 'English' });
    await publishPost(page, { item: 'Thermometer', quantity: 1, note: 'for my son' });
    if (locale === 'zh-HK')
      await page.getByRole('combobox', { name: /Language|語言/ }).selectOption({ label: '繁體中文' });
    await page
      .getByRole('button', { name: /^(Edit|編輯)$/ })
      .first()
      .click();
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
    const share = page.getByRole('button', { name: /Share & settings|分享與設定/ });
    if ((await share.getAttribute('aria-expanded')) === 'false') await share.click();
    await page.getByRole('button', { name: /My name and building|我的名字和大廈/ }).click();
    await page.getByRole('button', { name: /^(Leave this square|離開這個廣場)$/ }).click();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: /How it works|運作方式/ }).click();
    await expect(page.getByRole('region', { name: /How this square works|這個廣場如何運作/ })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}
