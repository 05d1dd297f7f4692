// What every scenario of the app benchmark is: a function of one context to one result.

import type { Browser } from '@playwright/test';
import type { Options } from '../app-options.ts';
import type { SquarePool } from '../support/square-pool.ts';

/** What every scenario gets: the server, one browser, the options and the seeded squares. */
export interface BenchContext {
  readonly browser: Browser;
  /** The signalling server serving the built app, e.g. http://127.0.0.1:41234. */
  readonly serverUrl: string;
  readonly options: Options;
  readonly pool: SquarePool;
  /** Records what has finished so far, so a later abort still writes it to the JSON. */
  readonly partial: (json: unknown) => void;
}

/** A scenario's outcome: what goes in the JSON under its key, and its tables. */
export interface ScenarioResult {
  readonly json: unknown;
  readonly print: () => void;
}

export interface Scenario {
  /** Its name on the command line (--only). */
  readonly name: string;
  /** Its property in bench/results/app.json. */
  readonly key: string;
  /** One line for --help. */
  readonly summary: string;
  readonly run: (ctx: BenchContext) => Promise<ScenarioResult>;
}
