import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../support/browser.ts';
import { createSquare, postList, publishPost, waitForPeers } from '../support/page-driver.ts';
import { fakeCameraArgs, writeQrVideo } from '../support/qr-video.ts';
import { expect, test } from './fixtures.ts';

test('an invite shown as a QR code is scanned by a neighbour’s camera, who joins and sees the posts', async ({
  openPeer,
  server,
}) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Lok Fu Estate', 'Ah Mei');
  await publishPost(a, { type: 'Offer', item: 'Thermometer', quantity: 1, note: 'spare thermometer' });
  await a.getByText('QR code and lobby poster').click();
  const qr = a.getByRole('img', { name: 'Invite QR code' });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('src', /^data:image\/svg\+xml/);

  // The lobby poster, as printed: the square's name, the code, and how to join in three languages.
  await a.emulateMedia({ media: 'print' });
  await a.evaluate(() => document.documentElement.classList.add('printing-poster'));
  const poster = a.locator('article.poster');
  await expect(poster).toBeVisible();
  await expect(poster).toContainText('Lok Fu Estate');
  await expect(poster).toContainText('Scan this code with your phone’s camera.');
  await expect(poster).toContainText('用手機相機掃描這個二維碼。');
  await expect(poster).toContainText('用手机相机扫描这个二维码。');
  await expect(poster.locator('img')).toBeVisible();
  await a.screenshot({ path: 'test-results/screens/lobby-poster.png' });
  await a.evaluate(() => document.documentElement.classList.remove('printing-poster'));
  await a.emulateMedia({ media: 'screen' });

  // B's phone camera sees the code (Chromium's fake camera plays it); no BarcodeDetector on
  // Linux, so this is the jsQR path.
  const dir = await mkdtemp(join(tmpdir(), 'kaifong-qr-'));
  const video = join(dir, 'invite.y4m');
  await writeQrVideo(video, link);
  const camera = await chromium.launch({
    executablePath: process.env.KAIFONG_CHROMIUM || undefined,
    args: [...CHROMIUM_ARGS, ...fakeCameraArgs(video)],
  });
  try {
    const context = await camera.newContext({ permissions: ['camera', 'microphone'], locale: 'en-GB' });
    const b = await context.newPage();
    await b.goto(server.url);
    await b.getByRole('button', { name: 'Scan a QR code' }).click();
    await expect(b.getByRole('heading', { name: 'Join this square' })).toBeVisible({ timeout: 20_000 });
    expect(new URL(b.url()).hash).toBe(new URL(link).hash);
    await b.getByLabel('Your name').fill('Mr Chan');
    await b.getByRole('button', { name: 'Join', exact: true }).click();
    await waitForPeers(b, 1);
    await expect(postList(b)).toContainText('spare thermometer');
  } finally {
    await camera.close();
  }
});
