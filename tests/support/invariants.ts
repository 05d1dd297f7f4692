/**
 * What must hold on an in-memory network after every step of a fuzz, cheaply enough to check
 * that often, and what must hold once it settles. Each check throws an Error that says which
 * peer broke which rule; the fuzzer adds its seed and step.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AuthorKey, RecordId } from '../../src/lib/domain/ids.ts';
import type { SignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { UpdateBody } from '../../src/lib/domain/kinds/update.ts';
import { pastRetention, PRUNE_GRACE_MS } from '../../src/lib/domain/retention.ts';
import type { Peer, TestNetwork } from './network.ts';

/** A board's read API. */
export const viewOf = (peer: Peer) => peer.board.view;

/** What a fuzzer knows it wrote: the truth the peers are checked against. */
export interface Ledger {
  readonly net: TestNetwork;
  /** Peers whose boards follow their documents; any others are left out of board checks. */
  readonly honest: readonly Peer[];
  /** Valid records honest peers published, by id: none may be lost. */
  readonly published: ReadonlyMap<RecordId, SignedRecord>;
  /** Valid records written but never kept by anyone (the adversary's): these may be lost. */
  readonly unkept: ReadonlyMap<RecordId, SignedRecord>;
  /** Ids of the records each honest peer wrote itself, by peer index. */
  readonly authored: ReadonlyMap<number, readonly RecordId[]>;
  /** How many posts were ever published. */
  readonly postsPublished: number;
  /**
   * Whether peers that agree must hold the same document, entry for entry. Not so when they
   * judge each other's updates: one may keep junk or a tombstone another never applied (a
   * deletion taken out, a deletion of an entry not there yet); they agree on every valid record.
   */
  readonly sameDocuments: boolean;
}

function fail(message: string): never {
  throw new Error(message);
}

/** Every record validly signed by anyone in the run, by id. */
function signed(ledger: Ledger, id: string): SignedRecord | undefined {
  return ledger.published.get(id as RecordId) ?? ledger.unkept.get(id as RecordId);
}

/**
 * After any step: every record a device wrote is in its own vault (unless retention dropped
 * it or its post); vaults and folds hold only records someone validly signed, in their genuine form; no
 * fold counts more records or posts than were ever written.
 */
export function checkStep(ledger: Ledger): void {
  const valid = ledger.published.size + ledger.unkept.size;
  for (const peer of ledger.honest) {
    const who = `peer ${peer.index}`;
    for (const id of ledger.authored.get(peer.index) ?? []) {
      if (peer.store.verified.has(id) || peer.store.pruned.has(id)) continue;
      // A device that dropped a post drops what is written about it after, its own words too.
      if (peer.store.pruned.has(postOf(id, signed(ledger, id)) ?? '')) continue;
      fail(`${who} lost its own record ${id}`);
    }
    for (const [id, record] of peer.store.verified) {
      if (signed(ledger, id)?.sig !== record.sig) fail(`${who} keeps ${id}, which nobody signed in that form`);
    }
    const view = viewOf(peer);
    for (const post of view.posts()) {
      for (const id of view.recordIdsOf(post.id)) {
        if (!signed(ledger, id)) fail(`${who} folds ${id} into post ${post.id}, which nobody signed`);
      }
    }
    if (view.recordCount > valid) fail(`${who} folds ${view.recordCount} records; only ${valid} exist`);
    if (view.postCount > ledger.postsPublished) {
      fail(`${who} shows ${view.postCount} posts; only ${ledger.postsPublished} were published`);
    }
  }
}

/**
 * Once the network has settled: within each island it promises (tests/support/network.ts),
 * every peer holds the same document, every board the same verified records and the same
 * board, and every record a board keeps is in the document in its genuine form. Posts that
 * retention has had a hand in are left out (the fuzzer's final check judges those): a device a
 * day short of pruning a post still shows it when another has dropped it, by design. Returns how many islands of two or more it compared.
 */
export function checkIslands(ledger: Ledger, authors: readonly AuthorKey[]): number {
  const { net } = ledger;
  let compared = 0;
  for (const island of net.islands()) {
    const members = island.map((i) => net.peers[i]!);
    if (members.length > 1) compared++;
    const first = members[0]!;
    const doc = entries(first);
    for (const peer of ledger.sameDocuments ? members.slice(1) : []) {
      if (!isDeepStrictEqual(entries(peer), doc))
        fail(`peers ${first.index} and ${peer.index} hold different documents`);
    }
    const boards = members.filter((peer) => ledger.honest.includes(peer));
    if (boards.length === 0) continue;
    const contested = contestedPosts(ledger, boards);
    const settled = (id: string) => !contested.has(postOf(id, signed(ledger, id)) ?? '');
    const state = (peer: Peer) => {
      const view = viewOf(peer);
      return {
        vault: [...peer.store.verified.keys()].filter(settled).sort(),
        posts: [...view.posts()].filter((post) => settled(post.id)).sort((a, b) => (a.id < b.id ? -1 : 1)),
        profiles: authors.map((author) => view.profile(author) ?? null),
        square: view.squareName() ?? null,
      };
    };
    const expected = state(boards[0]!);
    for (const peer of boards) {
      const actual = state(peer);
      for (const key of ['vault', 'posts', 'profiles', 'square'] as const) {
        if (!isDeepStrictEqual(actual[key], expected[key])) {
          const only = key === 'vault' ? `: ${symmetricDifference(actual.vault, expected.vault)}` : '';
          fail(`peers ${boards[0]!.index} and ${peer.index} of island [${island}] differ in ${key}${only}`);
        }
      }
      for (const [id, record] of peer.store.verified) {
        if (!settled(id)) continue;
        const { id: _, ...genuine } = record;
        const stored = peer.records.get(id);
        if (typeof stored !== 'string' || !isDeepStrictEqual(JSON.parse(stored), { ...genuine })) {
          fail(`peer ${peer.index} keeps ${id}, but its document holds ${JSON.stringify(stored)?.slice(0, 80)}`);
        }
      }
    }
  }
  return compared;
}

/** The ids in one list but not the other, a few of them. */
function symmetricDifference(a: readonly string[], b: readonly string[]): string {
  const [inA, inB] = [new Set(a), new Set(b)];
  const odd = [...a.filter((id) => !inB.has(id)), ...b.filter((id) => !inA.has(id))];
  return odd.slice(0, 5).join(', ') + (odd.length > 5 ? ` and ${odd.length - 5} more` : '');
}

/** The shared map as sorted [key, value] pairs. */
function entries(peer: Peer): [string, unknown][] {
  return [...peer.records.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The post a record belongs to, if any. */
function postOf(id: string, record: SignedRecord | undefined): string | null {
  if (record?.kind === 'post') return id;
  if (record?.kind === 'update') return (record.body as UpdateBody).post;
  return null;
}

/**
 * Posts retention has had a hand in on some board: pruned there at any time (a post taken back
 * since is no longer listed as pruned in the store, but its records may still be judged), with
 * records pruned now, or within a day of retention.
 */
function contestedPosts(ledger: Ledger, boards: readonly Peer[]): Set<string> {
  const contested = new Set<string>();
  const dueAt = ledger.net.now + PRUNE_GRACE_MS;
  for (const peer of boards) {
    for (const change of peer.changes) if (change.pruned > 0) for (const post of change.posts) contested.add(post);
    for (const id of peer.store.pruned) contested.add(postOf(id, signed(ledger, id)) ?? id);
    const view = viewOf(peer);
    for (const post of view.postStates()) if (pastRetention(post, dueAt, view.retentionDays())) contested.add(post.id);
  }
  return contested;
}
