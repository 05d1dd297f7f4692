import AxeBuilder from '@axe-core/playwright';
import type { Page, WebSocket } from '@playwright/test';
import {
  APP_TIMEOUT_MS,
  createSquare,
  joinSquare,
  postList,
  publishPost,
  twoNeighbours,
  waitForPeers,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const LINE = 'I can help: come to Flat 12B, Block 3, or call 9123 4567';
const REPLY = 'Thank you, I will come up at seven tonight';
/** What must stay between A and B: fragments of both lines. */
const SECRETS = ['Flat 12B', '9123 4567', 'come up at seven'];

/** Every text the page keeps in IndexedDB, every store of every database, bytes decoded as UTF-8. */
function indexedDbText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const decoder = new TextDecoder();
    const seen = new WeakSet<object>();
    const flatten = (value: unknown): string => {
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) return decoder.decode(value);
      if (ArrayBuffer.isView(value)) return decoder.decode(new Uint8Array(value.buffer));
      if (typeof value === 'string') return value;
      if (typeof value !== 'object' || value === null) return String(value);
      if (seen.has(value)) return '';
      seen.add(value);
      return Object.values(value as Record<string, unknown>)
        .map(flatten)
        .join('\n');
    };
    const parts: string[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const name of db.objectStoreNames) {
        const store = db.transaction(name).objectStore(name);
        const [keys, values] = await Promise.all(
          [store.getAllKeys(), store.getAll()].map(
            (request) =>
              new Promise<unknown[]>((resolve, reject) => {
                request.onsuccess = () => resolve(request.result as unknown[]);
                request.onerror = () => reject(request.error);
              }),
          ),
        );
        parts.push(flatten(keys), flatten(values));
      }
      db.close();
    }
    return parts.join('\n');
  });
}

/** The shared document's records as this member's client holds them. */
function sharedDocText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const handle = (window as unknown as { kaifong?: { doc: { getMap(k: string): { toJSON(): unknown } } } }).kaifong;
    return JSON.stringify(handle?.doc.getMap('records').toJSON() ?? {});
  });
}

/** Records the frames a page sends to and receives from the signalling server. */
function signalling(page: Page): string[] {
  const frames: string[] = [];
  const keep = (payload: string | Buffer) => frames.push(typeof payload === 'string' ? payload : payload.toString());
  page.on('websocket', (socket: WebSocket) => {
    socket.on('framesent', (frame) => keep(frame.payload));
    socket.on('framereceived', (frame) => keep(frame.payload));
  });
  return frames;
}

function messagesButton(page: Page) {
  return page.getByRole('button', { name: /^Messages/ });
}

test('a need answered privately: sealed to the two residents, unread counted, read, replied, kept across reloads, unreadable by a third member', async ({
  openPeer,
}) => {
  // Each page's signalling is recorded from its first socket: what the server receives from A, B and C.
  const a = await openPeer();
  const framesA = signalling(a);
  await a.reload();
  const link = await createSquare(a, 'Harbour View', 'Ah Mei');
  const b = await openPeer();
  const framesB = signalling(b);
  await joinSquare(b, link, 'Mr Chan');
  const c = await openPeer();
  const framesC = signalling(c);
  await joinSquare(c, link, 'Mrs Wong');
  await waitForPeers(a, 2);
  await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'my son has a fever' });
  const postOnB = postList(b).getByRole('listitem').filter({ hasText: 'my son has a fever' });
  await expect(postOnB).toBeVisible({ timeout: APP_TIMEOUT_MS });
  // Only posts by someone else offer a conversation.
  await expect(postList(a).getByRole('button', { name: 'Message', exact: true })).toHaveCount(0);

  // B answers from the post: "I can help" opens the conversation with a first line filled in.
  await postOnB.getByRole('button', { name: 'I can help' }).click();
  const dialogB = b.getByRole('dialog', { name: 'Messages' });
  const box = dialogB.getByRole('textbox', { name: 'Your message' });
  await expect(box).toHaveValue('I can help with this.');
  await expect(dialogB.getByRole('heading', { name: 'Conversation with Ah Mei' })).toBeVisible();
  await box.fill(LINE);
  await dialogB.getByRole('button', { name: 'Send' }).click();
  await expect(box).toHaveValue('');
  const sent = dialogB.getByRole('listitem').filter({ hasText: LINE });
  await expect(sent).toBeVisible();
  // Delivered once A's device acknowledged it with a sealed receipt.
  await expect(sent).not.toContainText('waiting to be delivered', { timeout: APP_TIMEOUT_MS });
  await expect(sent).toContainText('delivered');
  await dialogB.getByRole('button', { name: 'Close' }).click();

  // A sees the unread count, opens the conversation, reads it: the count goes.
  await expect(a.getByRole('button', { name: 'Messages, 1 unread' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await a.getByRole('button', { name: 'Messages, 1 unread' }).click();
  const dialogA = a.getByRole('dialog', { name: 'Messages' });
  await dialogA.getByRole('button', { name: /Mr Chan/ }).click();
  await expect(dialogA.getByText(LINE)).toBeVisible();
  await expect(messagesButton(a)).toHaveAccessibleName('Messages');
  await dialogA.getByRole('textbox', { name: 'Your message' }).fill(REPLY);
  await dialogA.getByRole('button', { name: 'Send' }).click();
  await expect(dialogA.getByRole('listitem').filter({ hasText: REPLY })).toBeVisible();
  await dialogA.getByRole('button', { name: 'Close' }).click();

  // B reads the reply.
  await expect(b.getByRole('button', { name: 'Messages, 1 unread' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await b.getByRole('button', { name: 'Messages, 1 unread' }).click();
  await b
    .getByRole('dialog', { name: 'Messages' })
    .getByRole('button', { name: /Ah Mei/ })
    .click();
  await expect(b.getByRole('dialog', { name: 'Messages' }).getByText(REPLY)).toBeVisible();

  // Both reload and still read the conversation; nothing is unread.
  for (const [page, other] of [
    [a, 'Mr Chan'],
    [b, 'Ah Mei'],
  ] as const) {
    await page.reload();
    await expect(messagesButton(page)).toHaveAccessibleName('Messages', { timeout: APP_TIMEOUT_MS });
    await messagesButton(page).click();
    const dialog = page.getByRole('dialog', { name: 'Messages' });
    await dialog.getByRole('button', { name: new RegExp(other) }).click();
    await expect(dialog.getByText(LINE)).toBeVisible({ timeout: APP_TIMEOUT_MS });
    await expect(dialog.getByText(REPLY)).toBeVisible();
  }

  // C holds the sealed records (it syncs them to others), and reads neither text anywhere.
  await expect
    .poll(async () => (await sharedDocText(c)).split('\\"kind\\":\\"message\\"').length - 1, {
      timeout: APP_TIMEOUT_MS,
    })
    .toBeGreaterThanOrEqual(2);
  await expect(messagesButton(c)).toHaveAccessibleName('Messages');
  await messagesButton(c).click();
  await expect(c.getByRole('dialog', { name: 'Messages' })).toContainText('No conversations yet');
  const onScreen = await c.locator('body').innerText();
  const [shared, stored] = await Promise.all([sharedDocText(c), indexedDbText(c)]);
  expect(stored).toContain('my son has a fever'); // the dump does reach what C keeps
  for (const secret of SECRETS) {
    expect(onScreen, 'on C’s screen').not.toContain(secret);
    expect(shared, 'in the shared document C holds').not.toContain(secret);
    expect(stored, 'in C’s IndexedDB').not.toContain(secret);
    for (const frame of [...framesA, ...framesB, ...framesC]) expect(frame, 'in signalling').not.toContain(secret);
  }
  for (const frames of [framesA, framesB, framesC]) expect(frames.length).toBeGreaterThan(0);
});

test('the note of a post that holds a flat or phone number suggests a message instead', async ({ openPeer }) => {
  const { a } = await twoNeighbours(openPeer);
  await a.getByRole('button', { name: 'New post' }).click();
  const form = a.getByRole('dialog', { name: 'New post' });
  await form.getByRole('textbox', { name: 'Note' }).fill('Flat 12B, call me');
  await expect(form.getByRole('status')).toContainText('“Message” on your post');
});

test('a message written while its sender is offline reaches the author once they meet again', async ({ openPeer }) => {
  const { a, b } = await twoNeighbours(openPeer);
  await publishPost(a, { type: 'Offer', item: 'Thermometer', quantity: 1, note: 'spare thermometer' });
  const postOnB = postList(b).getByRole('listitem').filter({ hasText: 'spare thermometer' });
  await expect(postOnB).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await b.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  // B goes offline: no signalling, no peers.
  await b.context().setOffline(true);
  await b.reload();
  await expect(b.getByText('You are offline.', { exact: false })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await postOnB.getByRole('button', { name: 'I’d like this' }).click();
  const dialog = b.getByRole('dialog', { name: 'Messages' });
  await dialog.getByRole('textbox', { name: 'Your message' }).fill('May I have it? Flat 3A');
  await dialog.getByRole('button', { name: 'Send' }).click();
  const line = dialog.getByRole('listitem').filter({ hasText: 'May I have it?' });
  await expect(line).toContainText('waiting to be delivered');
  await expect(a.getByRole('button', { name: 'Messages' })).toHaveAccessibleName('Messages');

  // Back online: the peers meet, A reads it, and B sees it delivered.
  await b.context().setOffline(false);
  await expect(a.getByRole('button', { name: 'Messages, 1 unread' })).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await expect(line).not.toContainText('waiting to be delivered', { timeout: APP_TIMEOUT_MS });
  await expect(line).toContainText('delivered');
});

test('the Messages dialog and a conversation have no axe violations and fit a phone’s width', async ({ openPeer }) => {
  const { a, b } = await twoNeighbours(openPeer);
  await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'for grandma' });
  const post = postList(b).getByRole('listitem').filter({ hasText: 'for grandma' });
  await expect(post).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await b.setViewportSize({ width: 390, height: 844 });
  await post.getByRole('button', { name: 'Message', exact: true }).click();
  const dialog = b.getByRole('dialog', { name: 'Messages' });
  await dialog.getByRole('textbox', { name: 'Your message' }).fill('I have one spare');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('listitem')).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Share my flat' }).click();
  await dialog.getByRole('textbox', { name: /My flat/ }).fill('Block 3, 12/F, Flat B');
  await dialog.getByRole('button', { name: 'Share my flat' }).click();
  await expect(dialog.getByRole('textbox', { name: 'Your message' })).toHaveValue('My flat: Block 3, 12/F, Flat B');
  const axe = await new AxeBuilder({ page: b }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await b.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await dialog.getByRole('button', { name: /All messages/ }).click();
  const list = await new AxeBuilder({ page: b }).analyze();
  expect(list.violations.map((v) => v.id)).toEqual([]);
});

test('the handover: proposed at the lobby, confirmed, and the author marks the post resolved with thanks', async ({
  openPeer,
}) => {
  const { a, b } = await twoNeighbours(openPeer);
  await publishPost(a, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'for grandma' });
  const postOnB = postList(b).getByRole('listitem').filter({ hasText: 'for grandma' });
  await postOnB.getByRole('button', { name: 'I can help' }).click({ timeout: APP_TIMEOUT_MS });
  const dialogB = b.getByRole('dialog', { name: 'Messages' });
  await dialogB.getByRole('button', { name: 'Send' }).click();
  await dialogB.getByText('Hand it over').click();
  await dialogB.getByRole('radio', { name: 'Leave it at the lobby' }).check();
  await dialogB.getByLabel('When').fill('19:00');
  await dialogB.getByRole('button', { name: 'Propose' }).click();
  await expect(dialogB.getByRole('listitem').filter({ hasText: 'Leave it at the lobby, 19:00' })).toBeVisible();

  await a.getByRole('button', { name: 'Messages, 2 unread' }).click({ timeout: APP_TIMEOUT_MS });
  const dialogA = a.getByRole('dialog', { name: 'Messages' });
  await dialogA.getByRole('button', { name: /Mr Chan/ }).click();
  await expect(dialogA.getByRole('button', { name: 'Mark resolved: handed over' })).toHaveCount(0);
  await dialogA
    .getByRole('listitem')
    .filter({ hasText: 'Leave it at the lobby, 19:00' })
    .getByRole('button', { name: 'Confirm' })
    .click();
  await expect(dialogA.getByText('Confirmed: Leave it at the lobby, 19:00')).toBeVisible();
  await expect(dialogB.getByText('Leave it at the lobby, 19:00 · confirmed')).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await expect(dialogB.getByRole('button', { name: 'Mark resolved: handed over' })).toHaveCount(0);

  await expect(dialogA.getByRole('checkbox', { name: 'Thank Mr Chan in the post’s progress' })).toBeChecked();
  await dialogA.getByRole('button', { name: 'Mark resolved: handed over' }).click();
  await expect(dialogA.getByRole('status')).toHaveText('Marked resolved.');
  await dialogA.getByRole('button', { name: 'Close' }).click();
  await dialogB.getByRole('button', { name: 'Close' }).click();
  await b.getByRole('checkbox', { name: 'Show resolved and expired' }).check();
  const resolved = postList(b).getByRole('listitem').filter({ hasText: 'for grandma' });
  await expect(resolved).toContainText('Handed over. Thank you, Mr Chan!', { timeout: APP_TIMEOUT_MS });
  await expect(resolved).toContainText('Resolved');
});
