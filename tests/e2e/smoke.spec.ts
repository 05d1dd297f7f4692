import { createSquare, joinSquare, postList, publishPost, waitForPeers } from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

test('two peers: create, join, post, see it', async ({ openPeer }) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Sunrise Court', 'Ah Mei');
  const b = await openPeer();
  await joinSquare(b, link, 'Mr Chan');
  await waitForPeers(a, 1);
  await publishPost(a, { item: 'Ibuprofen 200 mg tablets', quantity: 4, note: 'feverish child' });
  await expect(postList(b).getByRole('listitem')).toContainText('Ibuprofen 200 mg tablets × 4');
});
