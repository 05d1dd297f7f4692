// A square on two signalling servers, each its own process: whichever is stopped, neighbours
// still meet through the other.
import {
  addSignallingServer,
  joinSquare,
  createSquare,
  postList,
  publishPost,
  waitForPeers,
  waitForServers,
  webrtcPeers,
} from '../support/page-driver.ts';
import { signalingServer } from '../support/server-process.ts';
import { expect, test } from './fixtures.ts';

test('neighbours meet through the square’s second signalling server while the app’s own is down, and the other way round', async ({
  openPeer,
  server,
}) => {
  // The compound's second server: signalling only, welcoming pages of the app's origin.
  const second = signalingServer({ env: { ALLOWED_ORIGINS: server.url } });
  await second.start();
  try {
    const secondUrl = `ws://127.0.0.1:${second.port}/signal`;
    const a = await openPeer();
    await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
    const link = await addSignallingServer(a, secondUrl);
    await waitForServers(a, 2);
    await expect(a.getByRole('status')).toContainText('2 of 2 signalling servers reachable');
    await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'child with fever' });

    // Mr Chan has the app (its worker installed) but has never opened the square.
    const c = await openPeer();
    await c.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    // The app's own server goes down: Ah Mei is left with the second one.
    await server.stop();
    await waitForServers(a, 1);
    await expect(a.getByRole('status')).toContainText('1 of 2 signalling servers reachable');

    // Mr Chan opens the link (from the service worker): they meet through the second server.
    await joinSquare(c, link, 'Mr Chan');
    await waitForServers(c, 1);
    await waitForPeers(c, 1);
    expect(await webrtcPeers(c)).toBeGreaterThanOrEqual(1);
    await expect(postList(c)).toContainText('child with fever');

    // The other way round: the app's server is back, the second one goes.
    await server.start();
    await second.stop();
    await waitForServers(a, 1);
    const d = await openPeer();
    await joinSquare(d, link, 'Mrs Wong');
    await waitForPeers(d, 1);
    await expect(postList(d)).toContainText('child with fever');
  } finally {
    await second.stop();
  }
});

test('a neighbour who drops and comes straight back is met again, on a square with two servers', async ({
  openPeer,
  server,
}) => {
  const second = signalingServer({ env: { ALLOWED_ORIGINS: server.url } });
  await second.start();
  try {
    const a = await openPeer();
    await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
    const link = await addSignallingServer(a, `ws://127.0.0.1:${second.port}/signal`);
    const b = await openPeer();
    await joinSquare(b, link, 'Mr Chan');
    await waitForPeers(b, 1);
    // Gone and back within a second, under a new peer id: nobody else announces meanwhile.
    await b.reload();
    await waitForServers(b, 2);
    await waitForPeers(b, 1);
    await publishPost(a, { type: 'Offer', item: 'Surgical mask', quantity: 10, note: 'after the rejoin' });
    await expect(postList(b)).toContainText('after the rejoin');
  } finally {
    await second.stop();
  }
});
