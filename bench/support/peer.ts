// Peers of the app benchmark: a browser context of its own and one page, its errors printed.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import { newPeerContext } from '../../tests/support/browser.ts';
import { log } from './report.ts';

/** A peer: its own browser context (own IndexedDB, no BroadcastChannel shortcut) and one page. */
export interface Peer {
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * Opens the app in a fresh peer context. With `url` null the page stays blank, so the caller
 * can add init scripts before the first navigation.
 */
export async function openPeer(browser: Browser, url: string | null, label: string): Promise<Peer> {
  const context = await newPeerContext(browser);
  const page = await preparePage(context, label);
  if (url !== null) await page.goto(url);
  return { context, page };
}

/** A new page in `context`, ready for page.evaluate from tsx, with its errors printed. */
export async function preparePage(context: BrowserContext, label: string): Promise<Page> {
  // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(...)` calls;
  // functions passed to page.evaluate carry those calls into the page, so define it there.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => log(`[${label} page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') log(`[${label} console.error] ${message.text()}`);
  });
  return page;
}
