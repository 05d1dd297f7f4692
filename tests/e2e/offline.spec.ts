import { createSquare, joinSquare, postList, publishPost, waitForPeers } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

test('an outage: the square reopens from the service worker with its posts and the last sync; a post written offline reaches a neighbour once the network returns', async ({
  openPeer,
  server,
}) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'child with fever' });
  const b = await openPeer();
  await joinSquare(b, link, 'Mr Chan');
  await waitForPeers(b, 1);
  await expect(postList(b)).toContainText('child with fever');
  await expect(b.getByRole('status')).toContainText('last synced with 1 neighbour');
  // The contact is written at most every few seconds: let one be kept.
  await b.waitForTimeout(6_000);
  await b.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  // The outage: the server goes, the network too.
  await server.stop();
  await a.context().close();
  await b.context().setOffline(true);
  const response = await b.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(b.getByText('You are offline.', { exact: false })).toBeVisible();
  await expect(postList(b)).toContainText('child with fever');
  await expect(b.getByRole('status')).toContainText('last synced with 1 neighbour');
  await expect(b.getByRole('status')).not.toContainText('not synced with anyone yet');

  // Written offline: shown, waiting to be shared, and still there after another reload.
  await publishPost(b, { type: 'Offer', item: 'Thermometer', quantity: 1, note: 'spare thermometer' });
  await expect(b.getByRole('status')).toContainText('waiting to be shared');
  const again = await b.reload();
  expect(again?.fromServiceWorker()).toBe(true);
  await expect(postList(b)).toContainText('spare thermometer');
  await expect(b.getByRole('status')).toContainText('waiting to be shared');

  // The network returns. Mrs Wong, who was never online with Mr Chan, gets what he wrote offline.
  await server.start();
  await b.context().setOffline(false);
  const c = await openPeer();
  await joinSquare(c, link, 'Mrs Wong');
  await waitForPeers(c, 1);
  await expect(postList(c)).toContainText('spare thermometer');
  await expect(postList(c)).toContainText('child with fever');
  // Shared now: nothing of his is waiting any more.
  await expect(b.getByRole('status')).toContainText('last synced with 1 neighbour');
  await expect(b.getByRole('status')).not.toContainText('waiting to be shared');
});
