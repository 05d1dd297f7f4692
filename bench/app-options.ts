// The app benchmark's command line (node:util parseArgs): flags, defaults, --quick, --help.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RecordMix } from './support/seed.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * How a newcomer receives a square: our chunked exchange, checking signatures in a pool of
 * workers; the same with signatures checked on the page's thread (`?verify=main`, as before
 * issue 15); or y-webrtc's own exchange (`?sync=stock`).
 */
export const EXCHANGE_MODES = ['chunked', 'main-thread', 'stock'] as const;
export type ExchangeMode = (typeof EXCHANGE_MODES)[number];

/** Updates per post when a size is given in records (`Nr`): the 1:4 post:update mix. */
export const UPDATES_PER_POST = 4;

export interface Options {
  /** Scenario names, in the order they run. */
  readonly only: readonly string[];
  /** A short run: the --quick defaults below took the place of the full ones. */
  readonly quick: boolean;
  /** Receive and coldstart: record a CPU profile of the measured page (bench/support/cpu-profile.ts). */
  readonly profile: boolean;
  /** Cold start boards: posts only, or records in the 1:4 mix. */
  readonly coldstartSizes: readonly RecordMix[];
  /** Receive: records, always in the 1:4 mix. */
  readonly receiveSizes: readonly RecordMix[];
  readonly modes: readonly ExchangeMode[];
  readonly stallS: number;
  readonly receiveTimeoutS: number | null;
  readonly days: number;
  readonly postsPerDay: number;
  /** Bytes runs: the founder's retention setting in days, or null for the app's default. */
  readonly retentions: readonly (number | null)[];
  readonly posts: number;
  readonly warmup: number;
  readonly gapMs: number;
  readonly reloads: number;
  readonly chunk: number;
  readonly timeoutMin: number;
  readonly out: string;
}

const FLAGS = {
  only: { type: 'string' },
  quick: { type: 'boolean' },
  profile: { type: 'boolean' },
  sizes: { type: 'string' },
  'coldstart-sizes': { type: 'string' },
  'receive-sizes': { type: 'string' },
  modes: { type: 'string' },
  'stall-s': { type: 'string' },
  'receive-timeout-s': { type: 'string' },
  days: { type: 'string' },
  'posts-per-day': { type: 'string' },
  retention: { type: 'string' },
  posts: { type: 'string' },
  warmup: { type: 'string' },
  'gap-ms': { type: 'string' },
  reloads: { type: 'string' },
  chunk: { type: 'string' },
  'timeout-min': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ValueFlag = Exclude<keyof typeof FLAGS, 'quick' | 'profile' | 'help' | 'only' | 'sizes' | 'receive-timeout-s'>;

const DEFAULTS: Record<ValueFlag, string> = {
  // 10000+2000m: the 10,000 posts are 2,000 members', with profiles, roles and vouches (issue 10).
  'coldstart-sizes': '1000,10000,10000+2000m,50000r',
  // 500 records, about 180 KiB, is a size stock y-webrtc can still carry in one message.
  'receive-sizes': '500r,1000r,10000r,50000r',
  modes: EXCHANGE_MODES.join(','),
  'stall-s': '30',
  days: '7',
  'posts-per-day': '300',
  retention: 'default,1',
  posts: '50',
  warmup: '3',
  'gap-ms': '100',
  reloads: '3',
  chunk: '200',
  'timeout-min': '30',
  out: join(ROOT, 'bench', 'results', 'app.json'),
};

/** --quick: every scenario, briefly; one size seeded once and shared by coldstart and receive. */
const QUICK: Partial<Record<ValueFlag, string>> = {
  'coldstart-sizes': '500r',
  'receive-sizes': '500r',
  'stall-s': '15',
  days: '1',
  'posts-per-day': '40',
  retention: '1',
  posts: '10',
  warmup: '1',
  reloads: '1',
  'timeout-min': '10',
};

const HELP: readonly (readonly [flag: string, text: string, flagName?: ValueFlag])[] = [
  ['--only=LIST', 'scenarios to run, comma-separated, in this order (default: all)'],
  ['--quick', 'a short run of every scenario (defaults in brackets below)'],
  [
    '--profile',
    "receive, coldstart: CPU profile of B's (the reloaded page's) main thread, written beside the JSON and summed up; build with KAIFONG_UNMINIFIED=1 for names",
  ],
  ['--sizes=LIST', 'sizes for both coldstart and receive (see --coldstart-sizes, --receive-sizes)'],
  [
    '--coldstart-sizes=LIST',
    'boards to cold-start: N is N posts (no updates), Nr is N records as posts with 4 updates each; +Mm adds M members (profiles, roles, vouches) who wrote the posts',
    'coldstart-sizes',
  ],
  ['--receive-sizes=LIST', 'boards a newcomer receives: N or Nr, N records in the 1:4 mix', 'receive-sizes'],
  ['--modes=LIST', `receive: exchanges to compare (${EXCHANGE_MODES.join(', ')})`, 'modes'],
  ['--stall-s=S', 'receive, stock: incomplete after this long counts as stalled', 'stall-s'],
  ['--receive-timeout-s=S', 'receive, chunked: give up after this long (default 60 s + 2 ms per record)'],
  ['--days=N', 'bytes: simulated days', 'days'],
  ['--posts-per-day=N', 'bytes: posts published each simulated day', 'posts-per-day'],
  ['--retention=LIST', 'bytes: one run per retention setting, in days or "default"', 'retention'],
  ['--posts=N', 'publish: measured posts', 'posts'],
  ['--warmup=N', 'publish: posts before measuring', 'warmup'],
  ['--gap-ms=MS', 'publish: pause between posts', 'gap-ms'],
  ['--reloads=N', 'coldstart: reloads per board', 'reloads'],
  ['--chunk=N', 'records per concurrent batch when seeding', 'chunk'],
  ['--timeout-min=M', 'the whole run: abort (and write what finished) after this long', 'timeout-min'],
  ['--out=FILE', 'where the JSON goes', 'out'],
  ['-h, --help', 'this text'],
];

/** The --help text; `scenarios` are the names and summaries --only accepts. */
export function helpText(scenarios: readonly { readonly name: string; readonly summary: string }[]): string {
  const width = Math.max(...HELP.map(([flag]) => flag.length), ...scenarios.map((s) => s.name.length + 2));
  const out = [
    'Usage: npm run bench -- [options]',
    '  (node tests/support/run-e2e.mjs --bench: builds the app, then runs bench/app.ts in a',
    '  loopback-only network namespace against the real signalling server and Debian Chromium)',
    '',
    'Scenarios:',
    ...scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    'Options:',
  ];
  for (const [flag, text, name] of HELP) {
    const quick = name ? QUICK[name] : undefined;
    const defaults = name
      ? ` (default ${name === 'out' ? 'bench/results/app.json' : DEFAULTS[name]}${quick ? `; [${quick}]` : ''})`
      : '';
    out.push(`  ${flag.padEnd(width)}  ${text}${defaults}`);
  }
  out.push('', 'It measures, prints tables and writes JSON; there are no pass/fail targets.');
  return out.join('\n');
}

/** Parses the command line; null when --help was asked for. Throws on anything it does not know. */
export function parseOptions(argv: readonly string[], scenarioNames: readonly string[]): Options | null {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
  if (values.help) return null;
  const quick = values.quick ?? false;
  const raw = (name: ValueFlag): string => values[name] ?? (quick ? QUICK[name] : undefined) ?? DEFAULTS[name];
  const int = (name: string, text: string, min = 0): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${text}`);
    return value;
  };
  const list = (text: string): string[] => text.split(',').filter(Boolean);
  const oneOf = <T extends string>(name: string, items: readonly string[], known: readonly T[]): T[] => {
    for (const item of items) {
      if (!(known as readonly string[]).includes(item))
        throw new Error(`--${name}: unknown ${item}; known: ${known.join(', ')}`);
    }
    return items as T[];
  };
  /**
   * `N` (posts only, or records for receive) or `Nr` (N records in the 1:4 mix), and `+Mm` for M
   * members with profiles, roles and vouches, whose posts they are.
   */
  const sizes = (name: 'coldstart-sizes' | 'receive-sizes', recordsOnly: boolean): RecordMix[] =>
    list(values[name] ?? values.sizes ?? raw(name)).map((text) => {
      const m = /^(\d+)(r?)(?:\+(\d+)m)?$/.exec(text.trim());
      const n = Number(m?.[1]);
      const members = Number(m?.[3] ?? 0);
      if (!m || !Number.isInteger(n) || n < 1 || !Number.isInteger(members))
        throw new Error(`--${name}: sizes look like 1000 (posts), 50000r (records) or 10000+2000m, not ${text}`);
      const withMembers = members > 0 ? { members } : {};
      if (!m[2] && !recordsOnly) return { posts: n, updatesPerPost: 0, ...withMembers };
      const posts = Math.round(n / (1 + UPDATES_PER_POST));
      if (posts < 1 || posts * (1 + UPDATES_PER_POST) !== n)
        throw new Error(`--${name}: ${n} records is not a multiple of ${1 + UPDATES_PER_POST} (1 post + 4 updates)`);
      return { posts, updatesPerPost: UPDATES_PER_POST, ...withMembers };
    });
  const receiveTimeout = values['receive-timeout-s'];
  return {
    only: oneOf('only', list(values.only ?? scenarioNames.join(',')), scenarioNames),
    quick,
    profile: values.profile ?? false,
    coldstartSizes: sizes('coldstart-sizes', false),
    receiveSizes: sizes('receive-sizes', true),
    modes: oneOf('modes', list(raw('modes')), EXCHANGE_MODES),
    stallS: int('stall-s', raw('stall-s'), 1),
    receiveTimeoutS: receiveTimeout === undefined ? null : int('receive-timeout-s', receiveTimeout, 1),
    days: int('days', raw('days'), 1),
    postsPerDay: int('posts-per-day', raw('posts-per-day'), 1),
    retentions: list(raw('retention')).map((text) => {
      if (text === 'default') return null;
      const days = Number(text);
      if (!Number.isInteger(days) || days < 1) throw new Error('--retention: days ≥ 1 or "default", e.g. default,1');
      return days;
    }),
    posts: int('posts', raw('posts'), 1),
    warmup: int('warmup', raw('warmup')),
    gapMs: int('gap-ms', raw('gap-ms')),
    reloads: int('reloads', raw('reloads'), 1),
    chunk: int('chunk', raw('chunk'), 1),
    timeoutMin: int('timeout-min', raw('timeout-min'), 1),
    out: raw('out'),
  };
}
