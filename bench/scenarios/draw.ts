// Scenario `draw`: fair distribution's draw for 5,000 claims (issue 16), in Node's V8. Times the
// allocation alone (domain/allocation.ts: priority classes, SHA-256 of seed and key per claim,
// places) and the fold around it: an offer, its claims and the revealed draw folded from scratch
// (every rule judged), then one decline, which settles the offer again and moves the wait list up.
// Records are signed here first (not timed); signatures are the verifier's job, not the fold's.

import { generateIdentity } from '../../src/lib/crypto/signing.ts';
import { allocate } from '../../src/lib/domain/allocation.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import { seedCommitment } from '../../src/lib/domain/kinds/draw.ts';
import { VULNERABLE_GROUPS } from '../../src/lib/domain/kinds/post.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { StockBody } from '../../src/lib/domain/kinds/stock.ts';
import { signAs as sign } from '../../tests/support/neighbours.ts';
import { log, median, ms, printTable, round } from '../support/report.ts';
import type { Scenario } from './scenario.ts';

const CLAIMS = 5_000;
const RUNS = 5;
const SEED = '5eed'.repeat(16);
const MINUTE = 60_000;

interface DrawRun {
  readonly allocateMs: number;
  readonly foldMs: number;
  readonly declineMs: number;
}

interface DrawResult {
  readonly claims: number;
  readonly winners: number;
  readonly waiting: number;
  readonly drawRecordBytes: number;
  readonly median: DrawRun;
  readonly runs: DrawRun[];
}

async function records(claims: number) {
  const founder = await generateIdentity();
  const now = Date.now() - 60 * MINUTE;
  const offer: StockBody = {
    item: 'surgical-mask',
    total: 10_000,
    perHousehold: 5,
    rollingHours: 24,
    opens: now,
    closes: now + 30 * MINUTE,
    slots: [0, 1, 2, 3].map((i) => ({
      point: `Lobby ${'ABCD'[i]}`,
      start: now + (2 + i) * 60 * MINUTE,
      end: now + (3 + i) * 60 * MINUTE,
      capacity: 300,
    })),
    delivery: 100,
    priority: ['pregnant', 'child', 'elderly', 'chronic'],
    commit: seedCommitment(SEED),
  };
  // The offer's pickup points are the site's (kinds/stock.ts), drawn first.
  const points = offer.slots.map((slot, i) => ({
    name: slot.point,
    at: [114.2 + i / 10_000, 22.3] as [number, number],
  }));
  const site = await sign(founder, 'site', { buildings: [], points }, now - 2 * MINUTE);
  const pinned = await sign(founder, 'stock', offer, now - MINUTE);
  const signed: AnyRecord[] = [];
  const households = [];
  for (let i = 0; i < claims; i++) {
    const who = await generateIdentity();
    households.push(who);
    const groups = i % 10 === 0 ? [VULNERABLE_GROUPS[i % 4]!] : [];
    const body = { offer: pinned.id, qty: 1 + (i % 5), groups, slots: [i % 4, (i + 1) % 4], delivery: i % 50 === 0 };
    signed.push(await sign(who, 'claim', body, now + 10 * MINUTE + (i % 1000)));
  }
  const ids = signed.map((c) => c.id).sort();
  const draw = await sign(founder, 'draw', { offer: pinned.id, seed: SEED, claims: ids }, now + 31 * MINUTE);
  return { founder, offer, site, pinned, claims: signed, draw, households, now };
}

async function measure(): Promise<DrawResult> {
  log(`draw: signing an offer, ${CLAIMS} claims by fresh keys and the draw`);
  const { founder, offer, site, pinned, claims, draw, households, now } = await records(CLAIMS);
  const first = new BoardFold(founder.author);
  first.add([site, pinned, ...claims, draw]);
  const winner = first.stockOffer(pinned.id)!.claims.find((c) => c.status === 'won')!;
  const decliner = households[claims.findIndex((c) => c.id === winner.id)]!;
  const decline = await sign(decliner, 'handover', { claim: winner.id, action: 'declined' }, now + 40 * MINUTE);
  const entries = claims.flatMap((c) => (c.kind === 'claim' ? [{ id: c.id, author: c.author, ...c.body }] : []));
  const runs: DrawRun[] = [];
  let winners = 0;
  let waiting = 0;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    allocate(offer, SEED, entries, { gone: new Set(), allowance: () => offer.perHousehold });
    const t1 = performance.now();
    const fold = new BoardFold(founder.author);
    fold.add([site, pinned, ...claims, draw]);
    const t2 = performance.now();
    const state = fold.stockOffer(pinned.id)!;
    winners = state.numbers.winners;
    waiting = state.claims.filter((c) => c.status === 'waiting').length;
    fold.add([decline]);
    const t3 = performance.now();
    if (fold.stockOffer(pinned.id)!.claims.find((c) => c.id === winner.id)?.status !== 'declined')
      throw new Error('the decline did not count');
    runs.push({ allocateMs: round(t1 - t0), foldMs: round(t2 - t1), declineMs: round(t3 - t2) });
  }
  const med = (key: keyof DrawRun) => round(median(runs.map((r) => r[key])), 2);
  const drawRecordBytes = JSON.stringify(draw).length;
  log(`draw: allocate ${ms(med('allocateMs'))}, fold ${ms(med('foldMs'))} (median of ${RUNS})`);
  return {
    claims: CLAIMS,
    winners,
    waiting,
    drawRecordBytes,
    median: { allocateMs: med('allocateMs'), foldMs: med('foldMs'), declineMs: med('declineMs') },
    runs,
  };
}

function printDraw(r: DrawResult): void {
  printTable(
    `The draw for ${r.claims} claims (Node), median of ${RUNS}`,
    [
      'claims',
      'allocate alone',
      'fold offer + claims + draw',
      'then one decline',
      'winners',
      'wait list',
      'draw record',
    ],
    [
      [
        String(r.claims),
        ms(r.median.allocateMs),
        ms(r.median.foldMs),
        ms(r.median.declineMs),
        String(r.winners),
        String(r.waiting),
        `${Math.round(r.drawRecordBytes / 1024)} KiB`,
      ],
    ],
  );
}

/** The draw for 5,000 claims: the allocation alone, and the fold of offer, claims and draw. */
export const drawScenario: Scenario = {
  name: 'draw',
  key: 'draw',
  summary: 'fair distribution: the draw for 5,000 claims, the allocation alone and in the fold (Node)',
  run: async () => {
    const result = await measure();
    return { json: result, print: () => printDraw(result) };
  },
};
