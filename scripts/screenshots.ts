// Screenshots of the main views on a phone, in English and Traditional Chinese, for the README:
// `npm run screenshots` builds the app, serves it with the real server and writes
// docs/screenshots/*.png. Regenerate them whenever the interface changes; never edit them by hand.

import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, PHONE } from '../tests/support/browser.ts';
import {
  createSquare,
  openFilters,
  openShare,
  publishAsNeighbours,
  publishThroughBoard,
} from '../tests/support/page-driver.ts';
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

async function scene(browser: Browser, url: string, s: Scene, phone: boolean): Promise<void> {
  const context = await browser.newContext({
    locale: s.locale,
    ...(phone ? PHONE : { viewport: { width: 1280, height: 800 } }),
  });
  const page = await context.newPage();
  await page.goto(url);
  const device = phone ? 'phone' : 'desktop';
  await shoot(page, `${device}-${s.tag}-landing`);
  // The page driver speaks English; the square is made in English and then shown in the scene's language.
  const lang = page.getByRole('combobox', { name: /Language|語言/ });
  await lang.selectOption({ label: 'English' });
  await createSquare(page, s.square, s.me);
  const posts = bodies(s.notes);
  await publishAsNeighbours(page, posts.theirs);
  await publishThroughBoard(page, posts.mine);
  if (s.tag === 'zh-hant') await lang.selectOption({ label: '繁體中文' });
  // Share & settings was opened to read the invite; the first screen has it closed.
  const share = page.getByRole('button', { name: /Share & settings|分享與設定/ });
  if ((await share.isVisible()) && (await share.getAttribute('aria-expanded')) === 'true') await share.click();
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

const server = signalingServer({ staticDir: 'dist' });
await server.start();
const browser = await chromium.launch({
  executablePath: process.env.KAIFONG_CHROMIUM || '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
try {
  await mkdir(OUT, { recursive: true });
  for (const s of SCENES) await scene(browser, server.url, s, true);
  await scene(browser, server.url, SCENES[0]!, false);
} finally {
  await browser.close();
  await server.stop();
}
