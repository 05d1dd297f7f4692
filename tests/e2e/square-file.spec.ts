import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { createSquare, postList, publishPost, roomDatabases } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

/** Saves a copy of the open square through the UI and returns the file's text. */
async function saveCopy(page: Page, withKey: boolean): Promise<{ name: string; text: string }> {
  const section = page.getByRole('group').filter({ hasText: 'The square on a file' });
  if (!(await page.getByRole('button', { name: 'Save a copy' }).isVisible())) {
    await page.getByText('The square on a file', { exact: true }).click();
  }
  await section.getByRole('checkbox', { name: 'Include the key so the receiver can join' }).setChecked(withKey);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save a copy' }).click(),
  ]);
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
}

function file(name: string, text: string) {
  return { name, mimeType: 'application/json', buffer: Buffer.from(text) };
}

test('a square passed on a file: opened by a device that never met its author, refused when it is not whole or not this square', async ({
  openPeer,
}) => {
  const a = await openPeer();
  await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'child with fever' });
  await publishPost(a, { type: 'Offer', item: 'Surgical mask', quantity: 10, note: 'spare masks' });
  const withKey = await saveCopy(a, true);
  const withoutKey = await saveCopy(a, false);
  expect(withKey.name).toMatch(/^kaifong-square-lok-fu-estate-\d{4}-\d{2}-\d{2}\.json$/);
  const room = (JSON.parse(withKey.text) as { square: { room: string; secret?: string } }).square;
  expect(room.secret).toBeDefined();
  expect(withoutKey.text).not.toContain(room.secret!);

  // A second square of A's, to be refused inside the first.
  await a.getByRole('button', { name: /All squares/ }).click();
  await createSquare(a, 'Wang Tau Hom', 'Ah Mei');
  const otherSquare = await saveCopy(a, true);
  // A leaves: whatever D shows from here on came from the files.
  await a.context().close();

  const d = await openPeer();
  const openOnLanding = d.getByLabel('Open a copy', { exact: true });
  // Not a Kaifong file, a copy cut short in sending, a copy without the key: each refused, nothing opened.
  await openOnLanding.setInputFiles(file('photo.json', '{"name":"holiday photo"}'));
  await expect(d.getByText('This file is not a copy of a Kaifong square. Nothing was changed.')).toBeVisible();
  await openOnLanding.setInputFiles(file(withKey.name, withKey.text.slice(0, Math.floor(withKey.text.length / 2))));
  await expect(d.getByText(/This copy is damaged or cut short/)).toBeVisible();
  await openOnLanding.setInputFiles(file(withoutKey.name, withoutKey.text));
  await expect(d.getByText(/This copy does not include the key/)).toBeVisible();
  const tampered = withKey.text.replace('spare masks', 'spare maskz');
  await openOnLanding.setInputFiles(file(withKey.name, tampered));
  await expect(d.getByText(/changed after they were written/)).toBeVisible();
  await expect(d.getByText('You have not joined a square on this device yet.')).toBeVisible();
  expect(await roomDatabases(d, room.room)).toEqual([]);

  // The copy with the key: D joins the square and shows all of A's posts.
  await openOnLanding.setInputFiles(file(withKey.name, withKey.text));
  await expect(d.getByRole('heading', { name: 'Lok Fu Estate' })).toBeVisible();
  await expect(d.getByText('Copy opened: 2 new posts')).toBeVisible();
  await expect(postList(d).getByRole('listitem')).toHaveCount(2);
  await expect(postList(d)).toContainText('child with fever');
  await expect(postList(d)).toContainText('spare masks');
  expect(d.url()).toContain(`r=${room.room}`);

  // Inside the square: another square's copy is refused and changes nothing; this one adds nothing new.
  await d.getByText('The square on a file', { exact: true }).click();
  const openInSquare = d.getByLabel('Open a copy', { exact: true });
  await openInSquare.setInputFiles(file(otherSquare.name, otherSquare.text));
  await expect(d.getByText('This copy is of another square, not this one. Nothing was changed.')).toBeVisible();
  await expect(postList(d).getByRole('listitem')).toHaveCount(2);
  await openInSquare.setInputFiles(file(withoutKey.name, withoutKey.text));
  await expect(d.getByText('Copy opened: this device already had everything in it.')).toBeVisible();

  // What came from the file stays after a reload, as anything received from a peer.
  await d.reload();
  await expect(postList(d).getByRole('listitem')).toHaveCount(2);
});
