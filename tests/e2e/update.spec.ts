import { appendFile, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { newPeerContext } from '../support/browser.ts';
import { createSquare } from '../support/page-driver.ts';
import { signalingServer } from '../support/server-process.ts';
import { expect, test } from './fixtures.ts';

test('a new version deployed under a half-written post: the prompt shows, nothing reloads, and the draft survives the reload', async ({
  sharedBrowser,
}) => {
  // A deployment of its own, so a "new build" can be put in its place.
  const site = await mkdtemp(join(tmpdir(), 'kaifong-site-'));
  await cp('dist', site, { recursive: true });
  const server = signalingServer({ staticDir: site });
  await server.start();
  const context = await newPeerContext(sharedBrowser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
    await page.getByRole('button', { name: 'New post' }).click();
    const form = page.getByRole('dialog');
    await form.getByRole('radio', { name: 'Offer' }).check();
    await form.getByRole('textbox', { name: 'Note' }).fill('half-written: spare masks for');
    await page.evaluate(() => ((window as { notReloaded?: boolean }).notReloaded = true));

    // The new build: another service worker (any byte changed is a new version to the browser),
    // with its precompressed forms, as the build writes them.
    const sw = join(site, 'sw.js');
    await appendFile(sw, '\n// build 2\n');
    const text = await readFile(sw);
    await writeFile(`${sw}.br`, brotliCompressSync(text));
    await writeFile(`${sw}.gz`, gzipSync(text));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());

    // Shown in the form too: the page behind a modal dialog cannot be reached.
    await expect(form.getByText('Update available')).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expect(form.getByRole('textbox', { name: 'Note' })).toHaveValue('half-written: spare masks for');

    // The resident reloads when they choose: the draft comes back.
    await form.getByRole('button', { name: 'Reload' }).click();
    await page.waitForFunction(() => (window as { notReloaded?: boolean }).notReloaded === undefined);
    const reopened = page.getByRole('dialog');
    await expect(reopened.getByRole('textbox', { name: 'Note' })).toHaveValue('half-written: spare masks for', {
      timeout: 30_000,
    });
    await expect(reopened.getByRole('radio', { name: 'Offer' })).toBeChecked();
    await expect(page.getByText('Update available')).toBeHidden();
  } finally {
    await context.close();
    await server.stop();
  }
});
