import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { launchChromium, newPeerContext } from '../support/browser.ts';
import { signalingServer, type ServerProcess } from '../support/server-process.ts';

export interface PeerOptions {
  /** The browser's language, e.g. 'zh-HK'. */
  locale?: string;
  /** Installs a controllable clock starting at this time (see page.clock). */
  startTime?: Date;
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
    await use(async ({ locale = 'en-GB', startTime }: PeerOptions = {}) => {
      const context = await newPeerContext(sharedBrowser, locale);
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

/** Founds a square from the landing page and returns its invite link. */
export async function createSquare(page: Page, squareName: string, yourName: string): Promise<string> {
  await page.getByLabel('Square name').fill(squareName);
  await page.getByLabel('Your name').fill(yourName);
  await page.getByRole('button', { name: 'Create a square' }).click();
  const invite = page.getByRole('textbox', { name: 'Invite link' });
  await expect(invite).toHaveValue(/#r=.+&k=.+&f=.+/);
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible();
  return invite.inputValue();
}

/** Opens an invite link and joins under a display name. */
export async function joinSquare(page: Page, link: string, yourName: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Your name').fill(yourName);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('button', { name: 'New post' })).toBeVisible();
}

export interface PostInput {
  type?: 'Need' | 'Offer' | 'Swap';
  item: string;
  quantity: number;
  urgency?: string;
  note?: string;
}

/** Fills the new-post form the way a resident would, and publishes. */
export async function publishPost(page: Page, post: PostInput): Promise<void> {
  await page.getByRole('button', { name: 'New post' }).click();
  const form = page.getByRole('dialog');
  await form.getByRole('radio', { name: post.type ?? 'Need' }).check();
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: post.item });
  await form.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill(String(post.quantity));
  if (post.urgency) await form.getByRole('combobox', { name: 'Urgency' }).selectOption({ label: post.urgency });
  if (post.note) await form.getByRole('textbox', { name: 'Note' }).fill(post.note);
  await form.getByRole('button', { name: 'Publish' }).click();
  await expect(form).toBeHidden();
}

/** The list of open posts. */
export function postList(page: Page) {
  return page.getByRole('list', { name: 'Posts' });
}

/** Waits until a page has an open WebRTC data channel to at least `n` peers. */
export async function waitForPeers(page: Page, n: number): Promise<void> {
  await expect(page.getByRole('status')).toHaveAttribute('data-peers', new RegExp(`^([${n}-9]|\\d\\d+)$`), {
    timeout: 30_000,
  });
}
