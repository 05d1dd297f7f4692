import type { Page } from '@playwright/test';
import {
  boardIdle,
  createSquare,
  postCountOf,
  postList,
  publishAsNeighbours,
  roomOf,
  waitForPeers,
  type KaifongHandle,
  type KaifongWindow,
  writeStoredRecords,
} from '../support/page-driver.ts';
import { neighbourPosts } from '../support/neighbours.ts';
import { expect, test } from './fixtures.ts';

/** Posts published per page.evaluate (concurrently, in the page). */
const SEED_BATCH = 250;
const SEED_ITEMS = ['paracetamol-500', 'ibuprofen-200', 'antigen-test', 'n95-mask', 'surgical-mask'];

/** A small post with a 40-character note. */
function seedBody(i: number): unknown {
  return {
    type: i % 3 === 0 ? 'offer' : 'need',
    items: [{ item: SEED_ITEMS[i % SEED_ITEMS.length], qty: 1 }],
    urgency: 'stocking',
    groups: [],
    where: { building: `Block ${i % 12}`, floor: `${i % 30}/F` },
    note: `seed ${i} `.padEnd(40, '·'),
    ...(i % 3 === 0 ? { medicineExpiry: '2099-12-31' } : {}),
  };
}

/** Writes `count` signed posts by many neighbours (each within its limits), in batches. */
async function seedPosts(page: Page, count: number, body: (i: number) => unknown = seedBody): Promise<void> {
  for (let start = 0; start < count; start += SEED_BATCH) {
    const n = Math.min(SEED_BATCH, count - start);
    await publishAsNeighbours(
      page,
      Array.from({ length: n }, (_, k) => body(start + k)),
    );
  }
  await boardIdle(page);
}

/** Records in the page the text of every "Receiving the square" line it ever shows. */
async function recordProgressLines(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { progressLines: string[] }).progressLines = seen;
    new MutationObserver(() => {
      const text = document.querySelector('.transfer p')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

test.describe.configure({ timeout: 240_000 });

test('a square of 10,000 posts reaches a newcomer completely, with progress shown as it arrives', async ({
  openPeer,
}) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Wah Fu Estate', 'Ah Mei');
  await seedPosts(a, 10_000);
  await expect(a.getByText('10000 posts')).toBeVisible();

  const b = await openPeer();
  const warnings: string[] = [];
  b.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await recordProgressLines(b);
  await b.goto('about:blank'); // a full navigation, so the recorder runs from the start
  await b.goto(link);
  await expect(b.getByText('10000 posts')).toBeVisible({ timeout: 120_000 });
  expect(await postCountOf(b)).toBe(10_000);
  await expect(postList(b).getByRole('listitem').first()).toContainText('seed 9999');
  // The signatures were checked by the page's pool of workers, which never failed over to the page.
  expect(b.workers().some((worker) => worker.url().includes('verify-worker'))).toBe(true);
  expect(warnings.filter((text) => text.includes('verification worker'))).toEqual([]);

  // One forged record in a batch a peer sends B is refused, and the genuine ones beside it show.
  const more = await neighbourPosts(
    Array.from({ length: 300 }, (_, i) => seedBody(20_000 + i)),
    Date.now(),
  );
  const [forgedId, genuineText] = more.entries[150]!;
  const invalid = () => b.evaluate(() => (window as KaifongWindow).kaifong!.board.invalidCount);
  const invalidBefore = await invalid();
  const forged = JSON.stringify({ ...JSON.parse(genuineText), body: seedBody(99_999) });
  await writeStoredRecords(
    b,
    more.entries.map(([id, text]) => [id, id === forgedId ? forged : text]),
  );
  await expect(b.getByText('10299 posts')).toBeVisible();
  await expect.poll(invalid).toBe(invalidBefore + 1);
  await expect(b.getByText(`${invalidBefore + 1} invalid records ignored`)).toBeVisible();
  await expect(postList(b)).not.toContainText('seed 99999');

  // While it arrived, B said so, with numbers that grew, rather than showing an empty board.
  const lines = await b.evaluate(() => (globalThis as unknown as { progressLines: string[] }).progressLines);
  const counts = lines.map((line) => /Receiving the square: ([\d,]+) of ([\d,]+) posts/.exec(line)).filter(Boolean);
  expect(counts.length).toBeGreaterThan(1);
  const numbers = counts.map((m) => [Number(m![1]!.replace(/,/g, '')), Number(m![2]!.replace(/,/g, ''))] as const);
  expect(numbers.some(([received, total]) => received > 0 && received < total && total === 10_000)).toBe(true);
});

test('a transfer cut halfway resumes where it stopped', async ({ openPeer }) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Wah Fu Estate', 'Ah Mei');
  await seedPosts(a, 6_000);

  // A's connection fails once it has sent about 130 of the ~180 pieces B needs, as when the
  // Wi-Fi drops mid-way (whatever is still buffered is lost). A then comes back on a new page.
  await a.evaluate(() => {
    const scope = window as KaifongWindow & { cut?: boolean };
    const { connection } = scope.kaifong!;
    const timer = setInterval(() => {
      if ((connection.exchangeStats?.messagesSent ?? 0) >= 130) {
        clearInterval(timer);
        connection.provider!.destroy();
        scope.cut = true;
      }
    }, 1);
  });

  // B notes every transfer it is offered, and how far each got, from the moment the app starts.
  const b = await openPeer();
  await b.addInitScript(() => {
    const scope = globalThis as unknown as {
      transfers: { total: number; received: number }[];
      handle?: KaifongHandle;
    };
    scope.transfers = [];
    Object.defineProperty(globalThis, 'kaifong', {
      configurable: true,
      get: () => scope.handle,
      set: (handle: KaifongHandle) => {
        scope.handle = handle;
        handle.connection.onTransfer((p) => {
          if (!p.receiving) return;
          const last = scope.transfers.at(-1);
          if (last && last.total === p.piecesTotal && p.piecesReceived >= last.received)
            last.received = p.piecesReceived;
          else scope.transfers.push({ total: p.piecesTotal, received: p.piecesReceived });
        });
      },
    });
  });
  await b.goto('about:blank');
  await b.goto(link);
  await a.waitForFunction(() => (globalThis as unknown as { cut?: boolean }).cut === true, undefined, {
    timeout: 60_000,
  });
  const aAgain = await a.context().newPage();
  await aAgain.goto(link);
  await expect(b.getByText('6000 posts')).toBeVisible({ timeout: 120_000 });
  expect(await postCountOf(b)).toBe(6000);

  const transfers = await b.evaluate(
    () => (globalThis as unknown as { transfers: { total: number; received: number }[] }).transfers,
  );
  // The first transfer was cut part-way; the second carried only what was missing.
  expect(transfers.length).toBe(2);
  const [first, second] = transfers as [{ total: number; received: number }, { total: number; received: number }];
  expect(first.received).toBeGreaterThan(0);
  expect(first.received).toBeLessThan(first.total);
  expect(second.total).toBeLessThanOrEqual(first.total - first.received + 2);
  expect(second.received).toBe(second.total);
  await waitForPeers(b, 1);
});

test('a 50 MB square arrives whole on a newcomer (or would stop with a clear message)', async ({ openPeer }) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Wah Fu Estate', 'Ah Mei');
  // Posts as large as the schema allows: ten described items and a 1,000-character note each.
  const posts = 21_000;
  await seedPosts(a, posts, (i) => ({
    type: 'offer',
    items: Array.from({ length: 10 }, (_, k) => ({
      item: 'other',
      qty: 1,
      text: `item ${k} of post ${i} `.padEnd(80, '·'),
    })),
    urgency: 'stocking',
    groups: [],
    where: { building: 'Block 1', floor: '1/F' },
    note: `big ${i} `.padEnd(1000, '·'),
  }));
  const bytes = await a.evaluate(() => {
    const { doc } = (window as KaifongWindow).kaifong!;
    let total = 0;
    for (const value of doc.getMap('records').values()) if (typeof value === 'string') total += value.length;
    return total;
  });
  expect(bytes).toBeGreaterThan(50_000_000);

  const b = await openPeer();
  await b.goto(link);
  await expect(b.getByText(/Receiving the square: [\d,]+ of 21,000 posts/)).toBeVisible({ timeout: 60_000 });
  await expect(b.getByText(`${posts} posts`).or(b.getByRole('alert'))).toBeVisible({ timeout: 180_000 });
  await expect(b.getByRole('alert')).toHaveCount(0);
  expect(await postCountOf(b)).toBe(posts);
});

test('reopening a square does not make its stored document grow', async ({ openPeer }) => {
  const a = await openPeer();
  const link = await createSquare(a, 'Wah Fu Estate', 'Ah Mei');
  await seedPosts(a, 1_000);
  const room = roomOf(link);
  const stored = () =>
    a.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const rows = await new Promise<Uint8Array[]>((resolve, reject) => {
        const req = db.transaction('updates').objectStore('updates').getAll();
        req.onsuccess = () => resolve(req.result as Uint8Array[]);
        req.onerror = () => reject(req.error);
      });
      db.close();
      return { rows: rows.length, bytes: rows.reduce((n, r) => n + r.byteLength, 0) };
    }, `kaifong-doc-${room}`);

  await a.reload();
  await expect(a.getByText('1000 posts')).toBeVisible();
  await a.waitForFunction(() => 'kaifong' in globalThis);
  const before = await stored();
  expect(before.bytes).toBeGreaterThan(200_000);
  for (let i = 0; i < 5; i++) {
    await a.reload();
    await expect(a.getByText('1000 posts')).toBeVisible();
    await a.waitForFunction(() => 'kaifong' in globalThis);
  }
  const after = await stored();
  // y-indexeddb appends a row on every open (yjs/y-indexeddb#31); opened empty, it is a few bytes.
  expect(after.bytes - before.bytes).toBeLessThan(100);
});
