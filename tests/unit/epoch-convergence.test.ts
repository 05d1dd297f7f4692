/**
 * Convergence across epochs: 3–6 devices on the app's DocExchange over a partial mesh publish
 * posts, updates and profiles, write junk that boards remove (leaving tombstones), and are cut
 * into partitions, while the founder starts fresh documents (epochs) now and then, often while
 * some devices are cut off. Devices on an old epoch keep writing there; when one meets a device
 * on a later epoch it moves, carrying what it wrote after the cut. Once healed and settled,
 * every device is on the latest epoch, holds every record anyone published (none lost, none
 * forged), folds to the same state, and its document holds exactly the live records: no junk
 * and no tombstone of a deletion made before the last epoch.
 *
 * `npm test` runs a short batch; `FUZZ=long` many more seeds. A failure names its seed.
 */
import * as Y from 'yjs';
import { describe, expect, it, vi } from 'vitest';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { CATALOGUE_IDS } from '../../src/lib/domain/catalogue.ts';
import type { BoardView } from '../../src/lib/domain/fold/board-view.ts';
import type { RecordId } from '../../src/lib/domain/ids.ts';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import type { EpochOffer } from '../../src/lib/sync/doc-exchange.ts';
import { followEpochs, type ExchangeEpochHost } from '../support/epoch-host.ts';
import { ExchangeNetwork } from '../support/exchange-network.ts';
import type { EpochFollower } from '../../src/lib/state/epoch-follower.ts';
import { Rng } from '../support/random.ts';
import { postBody, T0 } from './fixtures.ts';

const LONG = process.env.FUZZ === 'long';
const RUNS = Number(process.env.FUZZ_RUNS ?? (LONG ? 300 : 12));
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 20260115);
const STEPS = LONG ? 120 : 50;
/** Settle rounds before a run counts as stuck (a device waiting for a neighbour on its epoch). */
const MAX_ROUNDS = 3000;
/**
 * Rounds of one settle: more than the plain fuzz's, for a device on a later epoch says HELLO to
 * one still verifying its offer (WebCrypto, off this thread) until it moves, up to HELLO_ATTEMPTS.
 */
const SETTLE_ROUNDS = 500;

interface Device {
  readonly host: ExchangeEpochHost;
  readonly follower: EpochFollower;
}

interface Run {
  readonly rng: Rng;
  readonly net: ExchangeNetwork;
  readonly devices: Device[];
  /** Every valid record published, by id. */
  readonly published: Set<RecordId>;
  readonly posts: { id: RecordId; author: number }[];
  epochsStarted: number;
  /** Epochs started while some device was cut off from the founder: the case that matters. */
  startedApart: number;
  junk: number;
}

function body(rng: Rng): PostBody {
  const item = rng.pick(CATALOGUE_IDS.filter((id) => id !== 'other'));
  return postBody({ items: [{ item, qty: 1 }], note: `note ${rng.int(1000)}` });
}

async function create(seed: number): Promise<Run> {
  const rng = new Rng(seed);
  const count = 3 + rng.int(4);
  const offers: ((index: number, offer: EpochOffer) => void)[] = [];
  const net = await ExchangeNetwork.create(count, {
    seed,
    now: T0,
    shape: seed % 4 === 0 ? 'line' : 'random',
    onEpoch: (index, offer) => offers[0]?.(index, offer),
  });
  const devices = net.peers.map((peer) =>
    followEpochs(peer.board, peer.doc, net.exchanges[peer.index]!, (epoch) => 1 + peer.index + 1000 * epoch),
  );
  offers.push((index, offer) => void devices[index]!.follower.offered(offer));
  return { rng, net, devices, published: new Set(), posts: [], epochsStarted: 0, startedApart: 0, junk: 0 };
}

/** Settles the network and every device's moves, until nothing is in flight and nobody is moving. */
async function settleAll(run: Run): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await run.net.settle(SETTLE_ROUNDS);
    if (run.devices.every((d) => d.follower.busy === 0)) return;
    // Offers are verified (WebCrypto, off this thread) before a device moves: give them time.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const stuck = run.devices.flatMap((d, i) => (d.follower.busy > 0 ? [`${i} (epoch ${d.host.epoch})`] : []));
  throw new Error(`devices still moving after ${MAX_ROUNDS} rounds: ${stuck.join(', ')}`);
}

async function step(run: Run): Promise<void> {
  const { rng, net, devices } = run;
  const index = rng.int(net.peers.length);
  const peer = net.peers[index]!;
  const roll = rng.int(100);
  if (roll < 22) {
    const result = await peer.board.commands.publishPost(body(rng));
    if (!result.ok) return; // past its author's limits: refused at once, as every device would
    run.published.add(result.id);
    run.posts.push({ id: result.id, author: index });
  } else if (roll < 30) {
    const mine = run.posts.filter((p) => p.author === index && peer.board.view.post(p.id as never));
    if (mine.length === 0) return;
    const result = await peer.board.commands.updatePost(rng.pick(mine).id as never, 'progress', `step ${rng.int(99)}`);
    if (result.ok) run.published.add(result.id);
  } else if (roll < 34) {
    const result = await peer.board.commands.saveProfile(`neighbour ${rng.int(100)}`);
    if (result.ok) run.published.add(result.id);
  } else if (roll < 42) {
    // Junk in the document in use: boards remove it, which leaves a tombstone there.
    devices[index]!.host.records.set(`junk-${rng.int(1e9)}`, 'not a record');
    run.junk++;
  } else if (roll < 48) {
    const founder = devices[0]!;
    if (run.epochsStarted >= 3 || founder.follower.busy > 0) return;
    const apart = net.peers.some(
      (p) => p.index !== 0 && !net.islands().some((i) => i.includes(0) && i.includes(p.index)),
    );
    const result = await founder.follower.start();
    if (!result.ok) throw new Error(`the founder could not start an epoch: ${result.reason}`);
    run.epochsStarted++;
    if (apart) run.startedApart++;
    // The epoch record is itself a record every device must end with.
    run.published.add(net.peers[0]!.board.view.epoch()!.id);
  } else if (roll < 66) {
    net.flushRandom(rng);
  } else if (roll < 72) {
    net.flush();
  } else if (roll < 80) {
    const groups: number[][] = [[], []];
    for (const p of net.peers) groups[rng.int(2)]!.push(p.index);
    net.partition(groups);
  } else if (roll < 85) {
    net.heal();
  } else if (roll < 90) {
    net.tick();
  } else if (roll < 94) {
    await net.settle(SETTLE_ROUNDS);
  } else {
    await peer.board.whenIdle();
  }
}

function snapshot(view: BoardView) {
  return {
    posts: [...view.posts()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    members: view.members().map((m) => [m.author, m.profile.name]),
    epoch: view.epoch()?.body.epoch ?? 0,
    records: view.recordCount,
  };
}

async function play(seed: number, tally: { apart: number; epochs: number; junk: number }): Promise<void> {
  const run = await create(seed);
  const { net, devices } = run;
  for (let i = 0; i < STEPS; i++) {
    try {
      await step(run);
    } catch (error) {
      throw new Error(`step ${i}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  // One more epoch at the end, so every run checks that the last one leaves no junk behind.
  net.heal();
  await settleAll(run);
  if ((await devices[0]!.follower.start()).ok) run.epochsStarted++;
  run.published.add(net.peers[0]!.board.view.epoch()!.id);
  net.heal();
  await settleAll(run);
  tally.apart += run.startedApart;
  tally.epochs += run.epochsStarted;
  tally.junk += run.junk;

  const expected = snapshot(net.peers[0]!.board.view);
  const ids = [...run.published].sort();
  for (const peer of net.peers) {
    const where = `device ${peer.index} of ${net.peers.length}`;
    const { host } = devices[peer.index]!;
    expect(host.epoch, `${where}: epoch`).toBe(run.epochsStarted);
    expect(
      peer.board
        .records()
        .map((r) => r.id)
        .sort(),
      `${where}: records`,
    ).toEqual(ids);
    expect(snapshot(peer.board.view), `${where}: fold`).toEqual(expected);
    // The document in use holds the live records and nothing else.
    expect([...host.records.keys()].sort(), `${where}: document keys`).toEqual(ids);
    for (const record of peer.board.records()) {
      expect(host.records.get(record.id), `${where}: record ${record.id}`).toBe(storedForm(record));
    }
  }
  net.destroy();
}

/** How many Yjs deletions the document in use holds: tombstones. */
function deletions(doc: Y.Doc): number {
  let n = 0;
  for (const ranges of Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).ds.clients.values()) n += ranges.length;
  return n;
}

describe('convergence across epochs, under partitions', () => {
  it(
    `every device ends on the latest epoch with every record, and nothing else (${RUNS} seeds from ${FIRST_SEED})`,
    async () => {
      const errors = vi.spyOn(console, 'error');
      const tally = { apart: 0, epochs: 0, junk: 0 };
      try {
        for (let i = 0; i < RUNS; i++) {
          const seed = FIRST_SEED + i;
          try {
            await play(seed, tally);
          } catch (error) {
            const replay = `FUZZ_SEED=${seed} FUZZ_RUNS=1 npx vitest run tests/unit/epoch-convergence.test.ts`;
            throw new Error(
              `seed ${seed} (replay: ${replay}): ${error instanceof Error ? error.message : String(error)}`,
              {
                cause: error,
              },
            );
          }
        }
        expect(errors, 'board errors').not.toHaveBeenCalled();
      } finally {
        errors.mockRestore();
      }
      // Guards against a generator too tame to test anything.
      expect(tally.epochs).toBeGreaterThan(RUNS);
      expect(tally.apart).toBeGreaterThan(RUNS / 3);
      expect(tally.junk).toBeGreaterThan(RUNS);
    },
    LONG ? 3_600_000 : 60_000,
  );

  it('a fresh document carries no tombstone of the old one', async () => {
    const run = await create(7);
    const { net, devices } = run;
    for (let i = 0; i < 20; i++) {
      const result = await net.peers[i % net.peers.length]!.board.commands.saveProfile(`n${i}`);
      expect(result.ok).toBe(true);
      devices[1]!.host.records.set(`junk-${i}`, 'not a record');
    }
    await settleAll(run);
    expect(deletions(devices[0]!.host.doc)).toBeGreaterThan(0);
    expect((await devices[0]!.follower.start()).ok).toBe(true);
    await settleAll(run);
    for (const { host } of devices) {
      expect(host.epoch).toBe(1);
      expect(deletions(host.doc)).toBe(0);
    }
    net.destroy();
  });
});
