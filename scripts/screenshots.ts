// Screenshots of the main views on a phone, in English and Traditional Chinese, for the README:
// `npm run screenshots` builds the app, serves it with the real server and writes
// docs/screenshots/*.png. Regenerate them whenever the interface changes; never edit them by hand.

import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, PHONE } from '../tests/support/browser.ts';
import {
  createSquare,
  openFilters,
  openShare,
  publishAsNeighbours,
  publishThroughBoard,
} from '../tests/support/page-driver.ts';
import { generateIdentity } from '../src/lib/crypto/signing.ts';
import type { AnyRecord } from '../src/lib/domain/kinds/registry.ts';
import { entriesOf, signAs } from '../tests/support/neighbours.ts';
import { boardIdle, drawPickupPoints, writeStoredRecords } from '../tests/support/page-driver.ts';
import { REPO_ROOT, signalingServer } from '../tests/support/server-process.ts';

const OUT = `${REPO_ROOT}docs/screenshots`;

interface Scene {
  readonly locale: 'en-GB' | 'zh-HK';
  readonly tag: 'en' | 'zh-hant';
  readonly square: string;
  readonly me: string;
  readonly notes: readonly string[];
}

const SCENES: readonly Scene[] = [
  {
    locale: 'en-GB',
    tag: 'en',
    square: 'Lok Fu Estate',
    me: 'Ah Mei',
    notes: [
      'My son has had a fever since last night, 39.2°. Any children’s suspension helps.',
      'Grandma on 12/F needs a thermometer to check her temperature.',
      'Spare antigen tests, leave them at the lobby for you.',
      'Stocking up for the week, no rush.',
      'Two surgical masks for one test.',
    ],
  },
  {
    locale: 'zh-HK',
    tag: 'zh-hant',
    square: '樂富邨',
    me: '阿美',
    notes: [
      '兒子昨晚開始發燒，39.2 度，需要兒童退燒藥水。',
      '12 樓的婆婆需要體溫計量體溫。',
      '有多餘的抗原測試，可以放在大堂給你。',
      '為一星期備貨，不急。',
      '兩個外科口罩換一支測試。',
    ],
  },
];

function bodies(notes: readonly string[]): { mine: unknown[]; theirs: unknown[] } {
  const where = { building: 'Block 3', floor: '' };
  return {
    mine: [
      {
        type: 'need',
        items: [{ item: 'thermometer', qty: 1 }],
        urgency: 'soon',
        groups: ['elderly'],
        where,
        note: notes[1],
      },
    ],
    theirs: [
      {
        type: 'need',
        items: [{ item: 'child-fever-suspension', qty: 1 }],
        urgency: 'urgent',
        groups: ['child'],
        where: { building: 'Block 5', floor: '8/F' },
        note: notes[0],
      },
      { type: 'offer', items: [{ item: 'antigen-test', qty: 2 }], urgency: 'soon', groups: [], where, note: notes[2] },
      {
        type: 'need',
        items: [{ item: 'surgical-mask', qty: 10 }],
        urgency: 'stocking',
        groups: [],
        where,
        note: notes[3],
      },
      {
        type: 'swap',
        items: [{ item: 'surgical-mask', qty: 2 }],
        wants: [{ item: 'antigen-test', qty: 1 }],
        urgency: 'soon',
        groups: [],
        where,
        note: notes[4],
      },
    ],
  };
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${OUT}/${name}.png` });
  console.log(`wrote docs/screenshots/${name}.png`);
}

/** The app opened in a fresh context, as a phone or a desktop of `desktopHeight`, in `locale`. */
async function openApp(
  browser: Browser,
  url: string,
  locale: Scene['locale'],
  phone: boolean,
  desktopHeight: number,
): Promise<{ context: BrowserContext; page: Page; device: 'phone' | 'desktop' }> {
  const context = await browser.newContext({
    locale,
    ...(phone ? PHONE : { viewport: { width: 1280, height: desktopHeight } }),
  });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page, device: phone ? 'phone' : 'desktop' };
}

const languageOf = (page: Page) => page.getByRole('combobox', { name: /Language|語言/ });

/** Share & settings was opened to read the invite; the screenshots have it closed. */
async function closeShare(page: Page): Promise<void> {
  const share = page.getByRole('button', { name: /Share & settings|分享與設定/ });
  if ((await share.isVisible()) && (await share.getAttribute('aria-expanded')) === 'true') await share.click();
}

async function scene(browser: Browser, url: string, s: Scene, phone: boolean): Promise<void> {
  const { context, page, device } = await openApp(browser, url, s.locale, phone, 800);
  await shoot(page, `${device}-${s.tag}-landing`);
  // The page driver speaks English; the square is made in English and then shown in the scene's language.
  const lang = languageOf(page);
  await lang.selectOption({ label: 'English' });
  await createSquare(page, s.square, s.me);
  const posts = bodies(s.notes);
  await publishAsNeighbours(page, posts.theirs);
  await publishThroughBoard(page, posts.mine);
  if (s.tag === 'zh-hant') await lang.selectOption({ label: '繁體中文' });
  await closeShare(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, `${device}-${s.tag}-square`);
  if (!phone) return context.close();
  if (s.tag === 'en') {
    await openFilters(page);
    await shoot(page, `${device}-${s.tag}-filters`);
    await page.getByRole('button', { name: /^Filters/ }).click();
    await openShare(page);
    await shoot(page, `${device}-${s.tag}-share`);
    await page.getByRole('button', { name: 'Share & settings' }).click();
  }
  await page.getByRole('button', { name: /New post|發佈新帖/ }).click();
  await shoot(page, `${device}-${s.tag}-new-post`);
  await context.close();
}

const HOUR = 3_600_000;
const ITEMS = ['paracetamol-500', 'antigen-test', 'thermometer', 'child-fever-suspension', 'surgical-mask'] as const;

/**
 * Two weeks of a compound's posts, signed by neighbours' own keys: needs and offers each day, most
 * resolved some hours later, and today three urgent needs that went quiet, with offers and stock that match.
 */
async function deskHistory(nowMs: number): Promise<AnyRecord[]> {
  const records: AnyRecord[] = [];
  const post = async (body: Record<string, unknown>, atMs: number, resolveAfterH?: number, name?: string) => {
    const who = await generateIdentity();
    if (name)
      records.push(
        await signAs(who, 'profile', { name, building: (body.where as { building: string }).building }, atMs - 1000),
      );
    const full = { groups: [], note: '', ...body };
    const record = await signAs(who, 'post', full, atMs);
    records.push(record);
    if (resolveAfterH !== undefined)
      records.push(await signAs(who, 'update', { post: record.id, action: 'resolve' }, atMs + resolveAfterH * HOUR));
  };
  for (let day = 13; day >= 1; day--) {
    const base = nowMs - day * 24 * HOUR;
    const needs = 2 + ((day * 7) % 4);
    for (let i = 0; i < needs; i++) {
      const item = ITEMS[(day + i) % ITEMS.length]!;
      const where = { building: `Block ${1 + ((day + i) % 5)}`, floor: '' };
      await post(
        { type: 'need', items: [{ item, qty: 1 }], urgency: i === 0 ? 'urgent' : 'soon', where },
        base + i * HOUR,
        i % 3 === 2 ? undefined : 2 + ((day * i) % 9),
      );
    }
    const offers = 1 + (day % 3);
    for (let i = 0; i < offers; i++) {
      const item = ITEMS[(day * 3 + i) % ITEMS.length]!;
      const where = { building: `Block ${1 + ((day * 2 + i) % 5)}`, floor: '' };
      await post(
        { type: 'offer', items: [{ item, qty: 1 }], urgency: 'soon', where, medicineExpiry: '2030-06-30' },
        base + (i + 3) * HOUR,
        5 + i,
      );
    }
  }
  // Today's urgent needs that went quiet, by neighbours with a name.
  const quiet = [
    {
      name: 'Mrs Wong',
      hoursAgo: 9,
      item: 'child-fever-suspension',
      qty: 1,
      groups: ['child'],
      where: { building: 'Block 5', floor: '8/F' },
      note: 'My son has had a fever since last night.',
    },
    {
      name: 'Mr Lee',
      hoursAgo: 7,
      item: 'pulse-oximeter',
      qty: 1,
      groups: ['elderly'],
      where: { building: 'Block 2', floor: '12/F' },
    },
    { name: 'Siu Ling', hoursAgo: 8, item: 'paracetamol-500', qty: 4, where: { building: 'Block 1', floor: '3/F' } },
  ];
  for (const { name, hoursAgo, item, qty, ...rest } of quiet)
    await post(
      { type: 'need', items: [{ item, qty }], urgency: 'urgent', ...rest },
      nowMs - hoursAgo * HOUR,
      undefined,
      name,
    );
  for (const building of ['Block 4', 'Block 3'])
    await post(
      {
        type: 'offer',
        items: [{ item: 'child-fever-suspension', qty: 1 }],
        urgency: 'soon',
        where: { building, floor: '' },
        medicineExpiry: '2030-06-30',
      },
      nowMs - 2 * HOUR,
    );
  await post(
    {
      type: 'offer',
      items: [{ item: 'paracetamol-500', qty: 6 }],
      urgency: 'soon',
      where: { building: 'Block 1', floor: '' },
      medicineExpiry: '2030-06-30',
    },
    nowMs - HOUR,
  );
  // A neighbour's small lot of stock: it matches the fever suspension need too.
  const closes = nowMs + 5 * HOUR;
  records.push(
    await signAs(
      await generateIdentity(),
      'stock',
      {
        item: 'child-fever-suspension',
        total: 6,
        perHousehold: 1,
        rollingHours: 24,
        opens: nowMs - HOUR,
        closes,
        slots: [{ point: 'Block 4 lobby', start: closes, end: closes + 2 * HOUR, capacity: 6 }],
        delivery: 0,
        priority: ['child'],
        commit: '0'.repeat(64),
      },
      nowMs - HOUR,
    ),
  );
  return records;
}

/** The volunteer desk, its figures and the lobby sheet, as the founder sees them. */
async function deskScene(browser: Browser, url: string, phone: boolean): Promise<void> {
  const { context, page, device } = await openApp(browser, url, 'en-GB', phone, 900);
  await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
  // The neighbour's stock is collected at a pickup point of the site (kinds/stock.ts).
  await drawPickupPoints(page, ['Block 4 lobby']);
  await writeStoredRecords(page, entriesOf(await deskHistory(Date.now())));
  await boardIdle(page);
  await closeShare(page);
  await page.getByRole('button', { name: /^Desk/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Volunteer desk' });
  const first = dialog.getByRole('listitem').filter({ hasText: 'suspension' }).first();
  await first.getByRole('button', { name: 'Follow up' }).click();
  await first
    .getByRole('textbox', { name: /Volunteer note/ })
    .fill('Called at 14:00, no answer. Will knock after lunch.');
  await first.getByRole('button', { name: 'Add note' }).click();
  await first.getByText('Called at 14:00').waitFor();
  await first.getByText(/offers match/).click();
  // Playwright scrolled the dialog to what it clicked: the screenshots show it from its top.
  const top = () => dialog.evaluate((d) => d.scrollTo(0, 0));
  await top();
  await shoot(page, `${device}-en-desk`);
  await dialog.getByRole('button', { name: 'Figures' }).click();
  await dialog.getByRole('img', { name: /Chart of needs and offers/ }).waitFor();
  await top();
  await shoot(page, `${device}-en-figures`);
  if (phone) {
    await dialog.getByRole('button', { name: 'Lobby sheet' }).click();
    await top();
    await shoot(page, `${device}-en-lobby`);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await languageOf(page).selectOption({ label: '繁體中文' });
    await page.getByRole('button', { name: /^義工工作台/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: '數據' }).click();
    await page.getByRole('dialog').evaluate((d) => d.scrollTo(0, 0));
    await shoot(page, `${device}-zh-hant-figures`);
  }
  await context.close();
}

const server = signalingServer({ staticDir: 'dist' });
await server.start();
const browser = await chromium.launch({
  executablePath: process.env.KAIFONG_CHROMIUM || '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
try {
  await mkdir(OUT, { recursive: true });
  // `--desk`: only the volunteer desk's screenshots.
  if (!process.argv.includes('--desk')) {
    for (const s of SCENES) await scene(browser, server.url, s, true);
    await scene(browser, server.url, SCENES[0]!, false);
  }
  for (const phone of [true, false]) await deskScene(browser, server.url, phone);
} finally {
  await browser.close();
  await server.stop();
}
