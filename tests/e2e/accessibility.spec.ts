import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createSquare, publishPost } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('every view has no axe violations, in English and Chinese', async ({ openPeer }) => {
  const page = await openPeer();
  expect(await violations(page)).toEqual([]);

  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(page, { type: 'Need', item: 'Thermometer', quantity: 2, note: 'for grandma' });
  expect(await violations(page)).toEqual([]);

  await page.getByRole('button', { name: 'New post' }).click();
  await page.getByRole('dialog').getByRole('spinbutton', { name: 'Quantity', exact: true }).fill('9');
  expect(await violations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '繁體中文' });
  await expect(page.getByRole('button', { name: '發佈新帖' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('a resident can post with the keyboard alone', async ({ openPeer }) => {
  const page = await openPeer();
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  await page.getByRole('button', { name: 'New post' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // Focus moves into the dialog; Tab walks the form and Enter in a field submits it.
  await expect(dialog.locator(':focus')).toHaveCount(1);
  // The resident picks the item: an untouched form cannot be published.
  await expect(dialog.getByRole('button', { name: 'Publish' })).toBeDisabled();
  await dialog.getByRole('combobox', { name: 'Item', exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(dialog.getByRole('button', { name: 'Publish' })).toBeEnabled();
  await dialog.getByRole('textbox', { name: 'Note' }).focus();
  await page.keyboard.type('typed with the keyboard');
  await dialog.getByRole('textbox', { name: 'Building', exact: true }).focus();
  await page.keyboard.type('Block 7');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('list', { name: 'Posts' }).getByRole('listitem')).toContainText(
    'typed with the keyboard',
  );
});
