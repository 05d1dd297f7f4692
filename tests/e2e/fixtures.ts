// The Playwright fixtures: one Chromium per worker, a signalling server per test, peers in
// contexts of their own. A resident's actions are in ../support/page-driver.ts.

import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { launchChromium, newPeerContext } from '../support/browser.ts';
import { signalingServer, type ServerProcess } from '../support/server-process.ts';

export interface PeerOptions {
  /** The browser's language, e.g. 'zh-HK'. */
  locale?: string;
  /** Installs a controllable clock starting at this time (see page.clock). */
  startTime?: Date;
  /** A phone (390 × 844, touch) instead of a desktop window. */
  phone?: boolean;
}

interface Fixtures {
  server: ServerProcess;
  /** Opens the app in a new peer (its own browser context). */
  openPeer: (options?: PeerOptions) => Promise<Page>;
}

export const test = base.extend<Fixtures, { sharedBrowser: Browser }>({
  sharedBrowser: [
    async ({}, use) => {
      const browser = await launchChromium();
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  server: async ({}, use) => {
    const server = signalingServer({ staticDir: 'dist' });
    await server.start();
    await use(server);
    await server.stop();
  },
  openPeer: async ({ sharedBrowser, server }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async ({ locale = 'en-GB', startTime, phone = false }: PeerOptions = {}) => {
      const context = await newPeerContext(sharedBrowser, locale, phone);
      contexts.push(context);
      if (startTime) await context.clock.install({ time: startTime });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      await page.goto(server.url);
      return page;
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});

export { expect };
