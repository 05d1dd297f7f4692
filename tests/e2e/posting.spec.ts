import type { Page } from '@playwright/test';
import { createSquare, postList, publishPost } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

function items(page: Page) {
  return postList(page).getByRole('listitem');
}

test('the post form warns over the suggested quantity and refuses over three times it', async ({ openPeer }) => {
  const page = await openPeer();
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await page.getByRole('button', { name: 'New post' }).click();
  const form = page.getByRole('dialog', { name: 'New post' });
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'N95 mask' });
  const quantity = form.getByRole('spinbutton', { name: 'Quantity', exact: true });

  await quantity.fill('6');
  await expect(form.getByText('More than the suggested 5 pieces per post')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Publish' })).toBeEnabled();

  await quantity.fill('16');
  await expect(form.getByRole('alert')).toHaveText(
    'At most 15 pieces per post. Split it into smaller posts or ask a volunteer.',
  );
  await expect(form.getByRole('button', { name: 'Publish' })).toBeDisabled();

  await quantity.fill('0');
  await expect(form.getByRole('alert')).toHaveText('Enter a whole number of at least 1.');

  // "Other" needs a description before it can be published.
  await quantity.fill('1');
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Other' });
  await expect(form.getByRole('button', { name: 'Publish' })).toBeDisabled();
  await form.getByRole('textbox', { name: 'Description', exact: true }).fill('Blood glucose strips');
  await form.getByRole('button', { name: 'Publish' }).click();
  await expect(form).toBeHidden();
  await expect(items(page)).toHaveCount(1);
  await expect(items(page).first()).toContainText('Other: Blood glucose strips × 1');
});

test('a swap says what is given and what is wanted, with who it is for and where', async ({ openPeer }) => {
  const page = await openPeer();
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await page.getByRole('button', { name: 'New post' }).click();
  const form = page.getByRole('dialog', { name: 'New post' });
  await form.getByRole('radio', { name: 'Swap' }).check();
  const giving = form.getByRole('group', { name: 'Giving' });
  const wanted = form.getByRole('group', { name: 'Wanted' });
  await giving.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Surgical mask' });
  await giving.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill('10');
  await wanted.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Antigen rapid test' });
  await wanted.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill('2');
  await form.getByRole('checkbox', { name: 'Elderly' }).check();
  // The public place is a building only: no floor field, and a floor typed into it is flagged.
  await expect(form.getByRole('textbox', { name: 'Floor' })).toHaveCount(0);
  const building = form.getByRole('textbox', { name: 'Building', exact: true });
  await building.fill('Block 3, 12/F');
  await expect(form.getByText('This looks like a floor or flat')).toBeVisible();
  await building.fill('Block 3');
  await expect(form.getByText('This looks like a floor or flat')).toHaveCount(0);
  await form.getByLabel('Medicine expiry date').fill('2027-03-31');
  await form.getByRole('button', { name: 'Publish' }).click();
  const post = items(page).first();
  await expect(post).toContainText('Swap');
  await expect(post).toContainText('Gives: Surgical mask × 10 pieces');
  await expect(post).toContainText('Wants: Antigen rapid test × 2 tests');
  await expect(post).toContainText('For: Elderly');
  await expect(post).toContainText('Where: Block 3');
  await expect(post).not.toContainText('12/F');
  await expect(post).toContainText(/Medicine expires (31 Mar|Mar 31,) 2027/);
});

test('sort by urgency, filter, and search in Chinese without spaces', async ({ openPeer }) => {
  const page = await openPeer();
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, { type: 'Need', item: 'Thermometer', quantity: 1, urgency: 'Stocking up', note: 'no rush' });
  await publishPost(page, {
    type: 'Offer',
    item: 'Surgical mask',
    quantity: 5,
    urgency: 'Urgent: someone is ill now',
    note: 'spare masks',
  });
  await publishPost(page, {
    type: 'Need',
    item: "Children's ibuprofen or paracetamol suspension",
    quantity: 1,
    urgency: 'Urgent: someone is ill now',
    note: '孩子發燒需要退燒藥',
  });
  await publishPost(page, { type: 'Need', item: 'Cough medicine', quantity: 1, urgency: 'Soon', note: 'dry cough' });

  // Most relevant by default: the urgent need first, then the rest newest first.
  await expect(items(page).nth(0)).toContainText('孩子發燒需要退燒藥');
  await expect(items(page).nth(1)).toContainText('dry cough');
  await expect(items(page).nth(2)).toContainText('spare masks');
  await expect(items(page).nth(3)).toContainText('no rush');

  await page.getByRole('combobox', { name: 'Sort' }).selectOption({ label: 'Newest' });
  await expect(items(page).nth(0)).toContainText('dry cough');
  await expect(items(page).nth(3)).toContainText('no rush');

  // Most urgent: urgent needs first, then other urgent posts, then soon, then stocking up.
  await page.getByRole('combobox', { name: 'Sort' }).selectOption({ label: 'Most urgent' });
  await expect(items(page).nth(0)).toContainText('孩子發燒需要退燒藥');
  await expect(items(page).nth(1)).toContainText('spare masks');
  await expect(items(page).nth(2)).toContainText('dry cough');
  await expect(items(page).nth(3)).toContainText('no rush');

  await page.getByRole('combobox', { name: 'Filter by type' }).selectOption({ label: 'Offer' });
  await expect(items(page)).toHaveCount(1);
  await page.getByRole('combobox', { name: 'Filter by type' }).selectOption({ label: 'Any' });

  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('發燒');
  await expect(items(page)).toHaveCount(1);
  await search.fill('孩子 退燒藥');
  await expect(items(page)).toHaveCount(1);
  await search.fill('布洛芬'); // the item's Chinese name, though the page is in English
  await expect(items(page)).toHaveCount(1);
  await expect(items(page).first()).toContainText('suspension');
  await search.fill('口罩');
  await expect(items(page)).toHaveCount(1);
  await expect(items(page).first()).toContainText('spare masks');
  await search.fill('insulin');
  await expect(items(page)).toHaveCount(0);
  await expect(page.getByText('No posts match your search and filters.')).toBeVisible();
});

test('progress, withdrawal, expiry and one-tap renewal', async ({ openPeer }) => {
  const page = await openPeer({ startTime: new Date('2026-11-25T08:00:00Z') });
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await expect(page.getByText('No open posts yet.')).toBeVisible();
  await publishPost(page, {
    type: 'Need',
    item: 'Pulse oximeter',
    quantity: 1,
    urgency: 'Urgent: someone is ill now',
    note: 'oximeter for dad',
  });
  await publishPost(page, {
    type: 'Offer',
    item: 'Cough medicine',
    quantity: 1,
    urgency: 'Soon',
    note: 'cough syrup',
    medicineExpiry: '2030-06-30',
  });

  const oximeter = items(page).filter({ hasText: 'oximeter for dad' });
  await oximeter.getByRole('button', { name: 'Add progress' }).click();
  await oximeter.getByRole('textbox', { name: 'Progress note' }).fill('Neighbour on 5/F is lending one');
  await oximeter.getByRole('button', { name: 'Post update' }).click();
  await expect(oximeter).toContainText('Neighbour on 5/F is lending one');

  await items(page).filter({ hasText: 'cough syrup' }).getByRole('button', { name: 'Withdraw' }).click();
  await expect(items(page)).toHaveCount(1);

  // An urgent need expires after 24 hours and leaves the open list.
  await page.clock.fastForward('25:00:00');
  await expect(items(page)).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
  await expect(oximeter).toContainText('Expired');
  await expect(items(page).filter({ hasText: 'cough syrup' })).toContainText('Withdrawn');
  await expect(oximeter).toContainText('Still needed?');
  await oximeter.getByRole('button', { name: 'Renew' }).click();
  await page.getByRole('checkbox', { name: 'Show resolved and expired' }).uncheck();
  await expect(items(page)).toHaveCount(1);
  await expect(oximeter).toContainText('Open');
});

test('the landing page lists joined squares and rejects a bad invite link', async ({ openPeer }) => {
  const page = await openPeer();
  await expect(page.getByText('You have not joined a square on this device yet.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Paste an invite link' }).fill('https://example.org/#r=nope');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'That is not a Kaifong invite link. Ask a neighbour to share it again.',
  );

  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await page.getByRole('button', { name: '← All squares' }).click();
  await expect(page.getByRole('link', { name: 'Lok Fu Estate' })).toBeVisible();
  await page.reload();
  await page.getByRole('link', { name: 'Lok Fu Estate' }).click();
  await expect(page.getByRole('heading', { name: 'Lok Fu Estate' })).toBeVisible();
});

test('the browser language picks Traditional or Simplified Chinese, and the switcher is remembered', async ({
  openPeer,
}) => {
  const hk = await openPeer({ locale: 'zh-HK' });
  await expect(hk.getByRole('button', { name: '建立廣場' })).toBeVisible();
  await expect(hk.locator('html')).toHaveAttribute('lang', 'zh-Hant');

  const cn = await openPeer({ locale: 'zh-CN' });
  await expect(cn.getByRole('button', { name: '创建广场' })).toBeVisible();
  await cn.getByRole('textbox', { name: '广场名称' }).fill('阳光小区');
  await cn.getByRole('textbox', { name: '你的名字' }).fill('王阿姨');
  await cn.getByRole('button', { name: '创建广场' }).click();
  await cn.getByRole('button', { name: '发布新帖' }).click();
  await cn
    .getByRole('dialog')
    .getByRole('combobox', { name: '物品', exact: true })
    .selectOption({ label: '布洛芬 200毫克片' });
  await cn.getByRole('dialog').getByRole('button', { name: '发布' }).click();
  await expect(cn.getByRole('list', { name: '帖子' }).getByRole('listitem')).toContainText('布洛芬 200毫克片 × 1 片');

  await cn.getByRole('combobox', { name: '语言' }).selectOption({ label: 'English' });
  await expect(cn.getByRole('button', { name: 'New post' })).toBeVisible();
  await cn.reload();
  await expect(cn.getByRole('button', { name: 'New post' })).toBeVisible();
  await expect(cn.getByRole('list', { name: 'Posts' }).getByRole('listitem')).toContainText(
    'Ibuprofen 200 mg tablets × 1',
  );
});
