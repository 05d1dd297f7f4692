// `npm run lighthouse`: Lighthouse 12.2.3 (13 wants Node 22) against the built app serving a
// square of 200 posts, as a resident's phone reopens it. Writes bench/results/lighthouse.json
// (scores, the main metrics and the initial JavaScript) and the full report beside it; exits
// non-zero below Performance 95, Accessibility 100 or Best Practices 100. Not part of npm test.
//
// Run through tests/support/run-e2e.mjs (which builds the app and finds Chromium): one Chromium
// with a profile of its own seeds the square through the app, then Lighthouse audits a new tab
// of that same browser over its DevTools port, keeping the storage (the square is in it).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect } from '@playwright/test';
import { CHROMIUM_ARGS } from '../tests/support/browser.ts';
import { createSquare, publishAsNeighbours, roomOf } from '../tests/support/page-driver.ts';
import { freePort, signalingServer } from '../tests/support/server-process.ts';
import { INITIAL_JS_BUDGET_BYTES, measureInitialJs } from './initial-js.ts';
import { postBody } from './support/seed.ts';
import { flushIndexedDb } from './support/storage.ts';

/** Posts in the audited square. */
const AUDITED_POSTS = 200;
/** The lowest scores (0–1) accepted, per Lighthouse category. */
const MIN_SCORES = { performance: 0.95, accessibility: 1, 'best-practices': 1 } as const;
const RESULTS = 'bench/results';

type Category = keyof typeof MIN_SCORES;
const CATEGORIES = Object.keys(MIN_SCORES) as Category[];
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
  'interactive',
] as const;

/** The parts of Lighthouse's result (LHR) read here. */
interface LighthouseResult {
  readonly lighthouseVersion: string;
  readonly categories: Record<string, { readonly score: number | null }>;
  readonly audits: Record<
    string,
    {
      readonly score: number | null;
      readonly numericValue?: number;
      readonly displayValue?: string;
      readonly title: string;
    }
  >;
}
type RunLighthouse = (
  url: string,
  flags: Record<string, unknown>,
) => Promise<{ readonly lhr: LighthouseResult; readonly report: string | string[] } | undefined>;

const server = signalingServer({ staticDir: 'dist' });
const profile = mkdtempSync(join(tmpdir(), 'kaifong-lighthouse-'));
let failed = false;
try {
  // NOTE: lighthouse (a devDependency, pinned to 12.2.3) is imported by a name in a variable, so
  // type checks and npm test pass on a checkout that has not installed it; RunLighthouse types it.
  const name = 'lighthouse';
  const { default: lighthouse } = (await import(name).catch((error: unknown) => {
    throw new Error('lighthouse is not installed: npm i -D -E lighthouse@12.2.3', { cause: error });
  })) as { default: RunLighthouse };
  await server.start();
  const port = await freePort();
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.KAIFONG_CHROMIUM || undefined,
    args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`],
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(server.url);
    const link = await createSquare(page, 'Lok Fu Estate', 'Ah Mei');
    const bodies = Array.from({ length: AUDITED_POSTS }, (_, i) => postBody(i, `Seeded post ${i + 1}`));
    await publishAsNeighbours(page, bodies);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect(page.getByText(`${AUDITED_POSTS} posts`, { exact: true })).toBeVisible();
    await flushIndexedDb(page, roomOf(link));
    await page.goto('about:blank');

    console.log(`[lighthouse] auditing ${server.url} with a square of ${AUDITED_POSTS} posts…`);
    const run = await lighthouse(link, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: CATEGORIES,
      // The square lives in this profile's IndexedDB: clearing storage would audit an empty page.
      disableStorageReset: true,
    });
    if (!run) throw new Error('Lighthouse returned no result');
    const { lhr } = run;
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score ?? null]));
    const metrics = Object.fromEntries(
      METRICS.map((id) => [id, { value: lhr.audits[id]?.numericValue, shown: lhr.audits[id]?.displayValue }]),
    );
    const initialJs = measureInitialJs('dist', 'en');
    const failing = Object.values(lhr.audits)
      .filter((audit) => audit.score !== null && audit.score < 1)
      .map((audit) => audit.title);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'lighthouse-report.json'), typeof run.report === 'string' ? run.report : '');
    writeFileSync(
      join(RESULTS, 'lighthouse.json'),
      `${JSON.stringify(
        {
          lighthouse: lhr.lighthouseVersion,
          posts: AUDITED_POSTS,
          scores,
          minimum: MIN_SCORES,
          metrics,
          initialJsGzipBytes: initialJs.gzipBytes,
          initialJsBudgetBytes: INITIAL_JS_BUDGET_BYTES,
          initialJsFiles: initialJs.files,
          auditsBelowFull: failing,
        },
        null,
        2,
      )}\n`,
    );
    for (const c of CATEGORIES) {
      const score = scores[c] ?? 0;
      const ok = score >= MIN_SCORES[c];
      failed ||= !ok;
      console.log(`${ok ? 'ok  ' : 'LOW '} ${c}: ${Math.round(score * 100)} (at least ${MIN_SCORES[c] * 100})`);
    }
    for (const id of METRICS) console.log(`     ${id}: ${metrics[id]?.shown ?? '–'}`);
    console.log(`     initial JavaScript: ${initialJs.gzipBytes} bytes gzip (budget ${INITIAL_JS_BUDGET_BYTES})`);
    if (failing.length > 0) console.log(`     audits below full marks: ${failing.join('; ')}`);
    console.log(`[lighthouse] wrote ${RESULTS}/lighthouse.json`);
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
