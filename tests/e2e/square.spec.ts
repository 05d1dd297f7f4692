import type { Page } from '@playwright/test';
import {
  createSquare,
  joinSquare,
  postList,
  publishPost,
  waitForPeers,
  webrtcPeers,
  type KaifongWindow,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

/** Waits until the service worker controls the page, so it can open with the server gone. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
}

function post(page: Page, text: string) {
  return postList(page).getByRole('listitem').filter({ hasText: text });
}

test('three neighbours post, go offline, reload without a server, resolve, and converge', async ({
  openPeer,
  server,
}) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Sunrise Court', 'Ah Mei');
  const b = await openPeer();
  await joinSquare(b, link, 'Mr Chan');
  const c = await openPeer();
  await joinSquare(c, link, 'Siu Ling');
  for (const page of [a, b, c]) await expect(page.getByRole('heading', { name: 'Sunrise Court' })).toBeVisible();
  await waitForPeers(a, 2);

  // It really is WebRTC between separate contexts, not a shared tab channel.
  expect(await webrtcPeers(a)).toBe(2);

  // A needs ibuprofen for a feverish child; B and C see it.
  await publishPost(a, {
    type: 'Need',
    item: 'Ibuprofen 200 mg tablets',
    quantity: 4,
    urgency: 'Urgent: someone is ill now',
    note: 'Feverish child, 38.9°C',
  });
  for (const page of [b, c]) {
    await expect(post(page, 'Feverish child')).toContainText('Ibuprofen 200 mg tablets × 4');
    await expect(post(page, 'Feverish child')).toContainText('by Ah Mei');
  }

  // B offers antigen tests; A and C see it.
  await publishPost(b, { type: 'Offer', item: 'Antigen rapid test', quantity: 2, note: 'Spare tests, lobby B' });
  for (const page of [a, c]) await expect(post(page, 'Spare tests')).toContainText('Antigen rapid test × 2');

  // C goes offline (a reload drops its WebRTC connections; signalling is unreachable offline)
  // and posts; meanwhile A posts too. Each sees only its own until they meet again.
  await waitForServiceWorker(c);
  await c.context().setOffline(true);
  await c.reload();
  await expect(post(c, 'Feverish child')).toBeVisible();
  await expect(c.getByRole('status')).toContainText('no neighbours online');
  await publishPost(c, { type: 'Need', item: 'Oral rehydration salts', quantity: 2, note: 'Grandma, dehydrated' });
  await publishPost(a, { type: 'Offer', item: 'Surgical mask', quantity: 10, note: 'Masks at the gate' });
  await expect(post(c, 'Grandma')).toBeVisible();
  await expect(post(c, 'Masks at the gate')).toHaveCount(0);
  await expect(post(a, 'Grandma')).toHaveCount(0);

  await c.context().setOffline(false);
  for (const page of [a, b, c]) {
    await expect(post(page, 'Grandma')).toContainText('Oral rehydration salts × 2', { timeout: 45_000 });
    await expect(post(page, 'Masks at the gate')).toBeVisible({ timeout: 45_000 });
    await expect(postList(page).getByRole('listitem')).toHaveCount(4);
  }

  // The server goes away: every device still opens the whole board from IndexedDB.
  for (const page of [a, b]) await waitForServiceWorker(page);
  await server.stop();
  for (const page of [a, b, c]) {
    await page.reload();
    await expect(postList(page).getByRole('listitem')).toHaveCount(4);
    for (const text of ['Feverish child', 'Spare tests', 'Grandma', 'Masks at the gate']) {
      await expect(post(page, text)).toBeVisible();
    }
    await expect(page.getByRole('status')).toContainText('signalling server unreachable', { timeout: 20_000 });
  }

  // The server returns; A resolves its need and it leaves B's and C's open lists.
  await server.start();
  await waitForPeers(a, 2);
  await post(a, 'Feverish child').getByRole('button', { name: 'Mark resolved' }).click();
  for (const page of [a, b, c]) {
    await expect(post(page, 'Feverish child')).toHaveCount(0);
    await expect(postList(page).getByRole('listitem')).toHaveCount(3);
  }
  await c.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
  await expect(post(c, 'Feverish child')).toContainText('Resolved');
});

test('a record with a bad signature written straight into the document is never shown', async ({ openPeer }) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Harbour View', 'Ah Mei');
  const b = await openPeer();
  await joinSquare(b, link, 'Mr Chan');
  const c = await openPeer();
  await joinSquare(c, link, 'Siu Ling');
  await waitForPeers(a, 2);
  await publishPost(a, { item: 'Thermometer', quantity: 1, note: 'Genuine post' });
  for (const page of [b, c]) await expect(post(page, 'Genuine post')).toBeVisible();

  // B copies A's genuine record, changes the note, keeps A's key and signature, and writes it
  // under a fresh key straight into the shared Y.Map, bypassing the record layer.
  await b.evaluate(() => {
    const { doc } = (window as KaifongWindow).kaifong!;
    const records = doc.getMap('records');
    const genuine = [...records.values()]
      .map((text) => JSON.parse(text as string) as { kind: string; body: { note?: string } })
      .find((r) => r.kind === 'post' && r.body.note === 'Genuine post')!;
    const forged = { ...genuine, body: { ...genuine.body, note: 'FORGED: free N95 masks' } };
    records.set('FORGEDforgedFORGEDforg', JSON.stringify(forged));
  });

  // Every peer receives it (and counts it as invalid) but none shows it.
  for (const page of [a, b, c]) {
    await expect(page.getByRole('status')).toContainText('1 invalid records ignored');
    await expect(post(page, 'FORGED')).toHaveCount(0);
    await expect(post(page, 'Genuine post')).toBeVisible();
  }
  await b.reload();
  await expect(post(b, 'Genuine post')).toBeVisible();
  await expect(post(b, 'FORGED')).toHaveCount(0);
});
