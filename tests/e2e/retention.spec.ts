import { readFile } from 'node:fs/promises';
import { createSquare, joinSquare, postList, publishPost, waitForPeers } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

test('closed posts are saved to an archive, then leave every device after the retention period', async ({
  openPeer,
}) => {
  const start = new Date('2026-11-25T08:00:00Z');
  const a = await openPeer({ startTime: start });
  const link = await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
  const b = await openPeer({ startTime: start });
  await joinSquare(b, link, 'Mr Chan');
  await waitForPeers(a, 1);

  // The founder keeps closed posts for one day.
  await a.getByText('Square settings and archive').click();
  await a.getByRole('spinbutton', { name: 'Keep closed posts for (days)' }).fill('1');
  await a.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(b.getByText('removed from every device after 1 days')).toBeAttached();

  await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'thermometer, found one' });
  await publishPost(a, { type: 'Need', item: 'Cough medicine', quantity: 1, note: 'still looking' });
  const resolved = postList(a).getByRole('listitem').filter({ hasText: 'found one' });
  await resolved.getByRole('button', { name: 'Mark resolved' }).click();
  await b.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
  await expect(postList(b).getByRole('listitem').filter({ hasText: 'found one' })).toContainText('Resolved');

  // A volunteer saves the closed posts first: the file holds the signed records.
  await b.getByText('Square settings and archive').click();
  const [download] = await Promise.all([
    b.waitForEvent('download'),
    b.getByRole('button', { name: 'Save closed posts to a file' }).click(),
  ]);
  const archive = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
    format: string;
    records: { kind: string; body: { note?: string; action?: string }; sig: string }[];
  };
  expect(archive.format).toBe('kaifong-archive');
  expect(archive.records.some((r) => r.kind === 'post' && r.body.note === 'thermometer, found one')).toBe(true);
  expect(archive.records.some((r) => r.kind === 'update' && r.body.action === 'resolve')).toBe(true);
  expect(archive.records.every((r) => r.sig.length > 80)).toBe(true);
  expect(archive.records.some((r) => r.body.note === 'still looking')).toBe(false);

  // Two days later the resolved post is gone from both devices, even with closed posts shown,
  // and does not come back after a reload; the open post stays.
  for (const page of [a, b]) await page.clock.fastForward('48:00:00');
  for (const page of [a, b]) {
    await page.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
    await expect(postList(page).getByRole('listitem').filter({ hasText: 'found one' })).toHaveCount(0);
    await expect(postList(page).getByRole('listitem').filter({ hasText: 'still looking' })).toHaveCount(1);
  }
  await b.reload();
  await b.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
  await expect(postList(b).getByRole('listitem').filter({ hasText: 'still looking' })).toHaveCount(1);
  await expect(postList(b).getByRole('listitem').filter({ hasText: 'found one' })).toHaveCount(0);
});
