// App benchmark: the built PWA in headless Chromium against the real signalling server.
// Run: npm run bench   (= node tests/support/run-e2e.mjs --bench: builds, then runs this file in a
// loopback-only network namespace with KAIFONG_CHROMIUM set). `npm run bench -- --help` lists the
// flags; `--quick` runs every scenario briefly; `--only=publish` runs one.
// No pass/fail targets: it measures, prints tables and writes JSON (bench/results/app.json).
//
// Adding a scenario: a module in bench/scenarios/ exporting a Scenario (scenario.ts), listed in
// SCENARIOS below; its knobs go in app-options.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { launchChromium } from '../tests/support/browser.ts';
import { signalingServer } from '../tests/support/server-process.ts';
import { helpText, parseOptions, type Options } from './app-options.ts';
import { bytesScenario } from './scenarios/bytes.ts';
import { coldStartScenario } from './scenarios/coldstart.ts';
import { drawScenario } from './scenarios/draw.ts';
import { foldScenario } from './scenarios/fold.ts';
import { mapScenario } from './scenarios/map.ts';
import { messagesScenario } from './scenarios/messages.ts';
import { publishScenario } from './scenarios/publish.ts';
import { receiveScenario } from './scenarios/receive.ts';
import type { BenchContext, Scenario } from './scenarios/scenario.ts';
import { log, sleep } from './support/report.ts';
import { mixKey, type RecordMix } from './support/seed.ts';
import { SquarePool } from './support/square-pool.ts';

/** Every scenario, in the default order. */
const SCENARIOS: readonly Scenario[] = [
  publishScenario,
  foldScenario,
  coldStartScenario,
  receiveScenario,
  bytesScenario,
  messagesScenario,
  drawScenario,
  mapScenario,
];

/** What goes in the JSON, by scenario key; filled as scenarios finish (or report partial results). */
const results: Record<string, unknown> = {};
/** Set once the global timeout or a signal has taken over the exit. */
let aborting = false;

function writeResults(options: Options, extra: Record<string, unknown> = {}): void {
  mkdirSync(dirname(options.out), { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version },
    options: { ...options, out: undefined },
    ...results,
    ...extra,
  };
  writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${options.out}`);
}

/** Things to undo on exit, newest first; each gets a bounded time so a hung close cannot block. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    await Promise.race([fn().catch((error: unknown) => log(`cleanup failed: ${String(error)}`)), sleep(15_000)]);
  }
}

/** Board sizes that both coldstart and receive seed in this run: seeded once (see SquarePool). */
function sharedSizes(options: Options): Set<string> {
  const wanted = (name: string, mixes: readonly RecordMix[]) => (options.only.includes(name) ? mixes.map(mixKey) : []);
  const cold = new Set(wanted(coldStartScenario.name, options.coldstartSizes));
  return new Set(wanted(receiveScenario.name, options.receiveSizes).filter((key) => cold.has(key)));
}

async function main(): Promise<void> {
  let options: Options | null;
  try {
    options = parseOptions(
      process.argv.slice(2),
      SCENARIOS.map((s) => s.name),
    );
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)} (see --help)`);
    process.exitCode = 2;
    return;
  }
  if (options === null) {
    console.log(helpText(SCENARIOS));
    return;
  }
  if (!process.env.KAIFONG_NETNS) log('note: not in a loopback-only network namespace (use npm run bench)');
  log(
    `scenarios: ${options.only.join(', ')}${options.quick ? ' (quick)' : ''}; overall timeout ${options.timeoutMin} min`,
  );

  const abort = (message: string, code: number) => {
    if (aborting) return;
    aborting = true;
    log(message);
    try {
      writeResults(options, { aborted: message });
    } catch {
      // nothing more to do
    }
    void cleanUp().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 30_000).unref();
  };
  const timer = setTimeout(
    () => abort(`ABORTED: the benchmark did not finish within ${options.timeoutMin} min (raise --timeout-min)`, 2),
    options.timeoutMin * 60_000,
  );
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  try {
    const server = signalingServer({ staticDir: 'dist' });
    cleanups.push(() => server.stop());
    await server.start();
    log(`server at ${server.url}`);
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    log(`Chromium ${browser.version()}`);
    const pool = new SquarePool(browser, server.url, options.chunk, sharedSizes(options));
    cleanups.push(() => pool.closeAll());

    for (const name of options.only) {
      const scenario = SCENARIOS.find((s) => s.name === name)!;
      log(`== ${name}`);
      const ctx: BenchContext = {
        browser,
        serverUrl: server.url,
        options,
        pool,
        partial: (json) => (results[scenario.key] = json),
      };
      const { json, print } = await scenario.run(ctx);
      print();
      results[scenario.key] = json;
    }
    console.log('');
    writeResults(options);
  } catch (error) {
    if (aborting) return; // the abort path writes the file and exits
    // Keep what finished, marked as incomplete, rather than leave an older run's file in place.
    writeResults(options, { failed: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    clearTimeout(timer);
    await cleanUp();
  }
}

main().then(
  () => {
    if (!aborting) process.exit();
  },
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
