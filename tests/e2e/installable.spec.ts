import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPersistentChromium } from '../support/browser.ts';
import { expect, test } from './fixtures.ts';

test('the app is installable: no installability errors from Chromium, and the manifest has an id', async ({
  server,
}) => {
  const context = await launchPersistentChromium(await mkdtemp(join(tmpdir(), 'kaifong-install-')));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const manifest = (await (await page.request.get(`${server.url}/manifest.webmanifest`)).json()) as { id?: string };
    expect(manifest.id).toBe('/');
    const cdp = await context.newCDPSession(page);
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, { timeout: 20_000 })
      .toEqual([]);
  } finally {
    await context.close();
  }
});
