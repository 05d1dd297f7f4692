// Issue 9, attack 3: a forged founder in the link. The founder's key in `f=` is the root of trust
// for a square's name and retention; a link with another key in it must open nothing.

import { en, zhHant } from '../support/messages.ts';
import {
  boardIdle,
  createSquare,
  founderOf,
  joinSquare,
  roomDatabases,
  roomOf,
  setRetention,
  storedRecordsOf,
  waitForPeers,
  withFounder,
  writeStoredRecords,
  type KaifongWindow,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const FORGED_NAME = 'Mallory’s Square';

test('an invite link whose founder was swapped is refused, and the attacker’s square name never shows', async ({
  openPeer,
}) => {
  const founder = await openPeer();
  const link = await createSquare(founder, 'Sunrise Court', 'Ah Mei');

  // Mallory founds a square of her own: her key, and `square` records signed with it that name
  // it "Mallory’s Square" and keep closed posts for one day.
  const mallory = await openPeer();
  const mallorysLink = await createSquare(mallory, FORGED_NAME, 'Mallory');
  await setRetention(mallory, FORGED_NAME, 1);
  const forged = await storedRecordsOf(mallory, 'square');
  expect(forged).toHaveLength(2);

  // She joins the real square and writes those records into it. Under the real founder they are
  // refused; under a link naming her key as founder they would rename it and cut its retention.
  const inside = await mallory.context().newPage();
  await joinSquare(inside, link, 'Mallory');
  await waitForPeers(inside, 1);
  await writeStoredRecords(inside, forged);
  await expect(founder.getByRole('status')).toContainText('2 invalid records ignored', { timeout: 30_000 });
  await expect(founder.getByRole('heading', { name: 'Sunrise Court' })).toBeVisible();

  const altered = withFounder(link, founderOf(mallorysLink));
  expect(roomOf(altered)).toBe(roomOf(link));
  expect(altered).not.toBe(link);

  // A neighbour pastes the altered link: refused, with the reason, and nothing opens.
  const neighbour = await openPeer();
  await neighbour.getByRole('textbox', { name: 'Paste an invite link' }).fill(altered);
  await neighbour.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(neighbour.getByRole('alert')).toHaveText(en.reasons['invite-altered']);

  // The neighbour opens it from the chat (the URL): refused before anything of the room opens.
  await neighbour.goto('about:blank');
  await neighbour.goto(altered);
  await expect(neighbour.getByRole('alert')).toHaveText(en.reasons['invite-altered']);
  await expect(neighbour.getByText('You have not joined a square on this device yet.')).toBeVisible();
  await expect(neighbour.getByRole('textbox', { name: 'Invite link', exact: true })).toHaveCount(0);
  await expect(neighbour.getByText(FORGED_NAME)).toHaveCount(0);
  expect(await neighbour.evaluate(() => (window as KaifongWindow).kaifong)).toBeUndefined();
  expect(await roomDatabases(neighbour, roomOf(link))).toEqual([]);

  // A neighbour whose browser speaks Traditional Chinese reads why in their language.
  const hk = await openPeer({ locale: 'zh-HK' });
  await hk.goto(altered);
  await expect(hk.getByRole('alert')).toHaveText(zhHant.reasons['invite-altered']);
  await expect(hk.getByText(FORGED_NAME)).toHaveCount(0);

  // The genuine link opens the real square; Mallory's records reach it and stay refused.
  await neighbour.goto(link);
  await neighbour.getByLabel('Your name').fill('Mr Chan');
  await neighbour.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(neighbour.getByRole('heading', { name: 'Sunrise Court' })).toBeVisible({ timeout: 30_000 });
  await waitForPeers(neighbour, 1);
  await expect(neighbour.getByRole('status')).toContainText('2 invalid records ignored', { timeout: 30_000 });
  await boardIdle(neighbour);
  await expect(neighbour.getByText(FORGED_NAME)).toHaveCount(0);
  await expect(neighbour.getByRole('alert')).toHaveCount(0);
});
