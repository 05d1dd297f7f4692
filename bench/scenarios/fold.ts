// Scenario `fold`: the fold alone (BoardFold.add: verified records to board state, pure TS), in
// Node's V8, for the cold start sizes: posts by many neighbours' fresh keys, beside the same
// posts written by members with profiles, roles and vouches (issue 10). Also what one more post
// costs once folded, and one more vouch: a change of authority, which re-judges every post.
// Records are signed here first (not timed); signatures are the verifier's job, not the fold's.

import { generateIdentity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { NeighbourKeys, signAs as sign } from '../../tests/support/neighbours.ts';
import { log, median, ms, printTable, round } from '../support/report.ts';
import { describeMix, memberRecords, postBody, updateNote, type RecordMix } from '../support/seed.ts';
import type { BenchContext, Scenario } from './scenario.ts';

/** Folds of each board, from scratch: the median is reported. */
const RUNS = 5;

interface FoldRun {
  readonly foldMs: number;
  readonly onePostMs: number;
  readonly oneVouchMs: number;
}

interface FoldResult {
  readonly board: string;
  readonly records: number;
  /** Posts the fold shows once every record is in. */
  readonly shown: number;
  readonly median: FoldRun;
  readonly runs: FoldRun[];
}

/** A board's records, and one more post and one more vouch to add once it is folded. */
async function boardOf(mix: RecordMix) {
  const founder = await generateIdentity();
  const now = Date.now();
  const records: AnyRecord[] = [];
  const members = mix.members ?? 0;
  let keys = new NeighbourKeys();
  let voucher = founder;
  if (members > 0) {
    const { residents, volunteers, records: trust } = await memberRecords(members, now);
    for (const [i, volunteer] of volunteers.entries())
      records.push(
        await sign(founder, 'role', { action: 'grant-volunteer', member: volunteer.author }, now - 200_000 + i),
      );
    records.push(...trust);
    keys = new NeighbourKeys(Math.ceil(mix.posts / members), residents);
    voucher = volunteers[0]!;
  }
  const start = now - 60_000 - mix.posts * 2;
  for (let i = 0; i < mix.posts; i++) {
    const post = await keys.post(postBody(i, `fold post ${i}`), start + 2 * i);
    records.push(post);
    for (let j = 0; j < mix.updatesPerPost; j++)
      records.push(await keys.update(post.id, { action: 'progress', note: updateNote(j) }, start + 2 * i + 1));
  }
  const newcomer = await generateIdentity();
  const onePost = await sign(newcomer, 'post', postBody(mix.posts, 'one more post'), now);
  const oneVouch = await sign(voucher, 'vouch', { member: newcomer.author }, now + 1);
  return { founder, records, onePost, oneVouch };
}

async function measureMix(mix: RecordMix): Promise<FoldResult> {
  const board = describeMix(mix);
  log(`fold ${board}: signing the records`);
  const { founder, records, onePost, oneVouch } = await boardOf(mix);
  const runs: FoldRun[] = [];
  let shown = 0;
  for (let run = 0; run < RUNS; run++) {
    const fold = new BoardFold(founder.author);
    const t0 = performance.now();
    fold.add(records);
    const t1 = performance.now();
    fold.add([onePost]);
    const t2 = performance.now();
    fold.add([oneVouch]);
    const t3 = performance.now();
    shown = fold.postCount;
    runs.push({ foldMs: round(t1 - t0), onePostMs: round(t2 - t1, 2), oneVouchMs: round(t3 - t2, 2) });
  }
  const med = (key: keyof FoldRun) => round(median(runs.map((r) => r[key])), 2);
  log(`fold ${board}: ${ms(med('foldMs'))} (median of ${RUNS})`);
  return {
    board,
    records: records.length,
    shown,
    median: { foldMs: med('foldMs'), onePostMs: med('onePostMs'), oneVouchMs: med('oneVouchMs') },
    runs,
  };
}

async function measure(ctx: BenchContext): Promise<Record<string, FoldResult>> {
  const out: Record<string, FoldResult> = {};
  for (const mix of ctx.options.coldstartSizes) {
    out[describeMix(mix)] = await measureMix(mix);
    ctx.partial(out);
  }
  return out;
}

function printFold(r: Record<string, FoldResult>): void {
  printTable(
    `The fold alone (BoardFold.add in Node), median of ${RUNS}`,
    ['board', 'records', 'fold all', 'then one post', 'then one vouch', 'posts shown'],
    Object.values(r).map((res) => [
      res.board,
      String(res.records),
      ms(res.median.foldMs),
      ms(res.median.onePostMs),
      ms(res.median.oneVouchMs),
      String(res.shown),
    ]),
  );
}

/** The fold alone, with and without members' trust records. */
export const foldScenario: Scenario = {
  name: 'fold',
  key: 'fold',
  summary: 'the fold alone (Node), posts by fresh keys beside posts by members with roles and vouches',
  run: async (ctx) => {
    const result = await measure(ctx);
    return { json: result, print: () => printFold(result) };
  },
};
