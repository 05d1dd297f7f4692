// Seeded boards for the app benchmark: valid, varied post bodies and realistic updates, written
// by many neighbours' keys, each within the limits every device enforces (issue 10).

import type { Page } from '@playwright/test';
import { generateIdentity, type Identity } from '../../src/lib/crypto/signing.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import { entriesOf, NeighbourKeys, signAs } from '../../tests/support/neighbours.ts';
import {
  boardIdle,
  publishAsNeighbours,
  writeStoredRecords,
  type KaifongWindow,
} from '../../tests/support/page-driver.ts';
import { log } from './report.ts';
import { flushIndexedDb } from './storage.ts';

const SEED_ITEMS = [
  'paracetamol-500',
  'ibuprofen-200',
  'antigen-test',
  'n95-mask',
  'surgical-mask',
  'thermometer',
  'oral-rehydration-salts',
  'cough-medicine',
  'fever-cooling-patch',
] as const;
const SEED_URGENCIES = ['urgent', 'soon', 'stocking'] as const;

/** A valid post body (see src/lib/domain/kinds/post.ts); varied so the board is not all one item. */
export function postBody(i: number, note: string): PostBody {
  return {
    type: i % 3 === 1 ? 'offer' : 'need',
    items: [{ item: SEED_ITEMS[i % SEED_ITEMS.length] as PostBody['items'][number]['item'], qty: 1 + (i % 2) }],
    urgency: SEED_URGENCIES[i % SEED_URGENCIES.length] as PostBody['urgency'],
    groups: i % 5 === 0 ? ['elderly'] : [],
    where: { building: `Block ${1 + (i % 12)}`, floor: String(1 + (i % 30)) },
    note,
    // Offered medicine needs its expiry date (issue 10).
    ...(i % 3 === 1 ? { medicineExpiry: '2099-12-31' } : {}),
  };
}

const UPDATE_NOTES = [
  'Picked up two boxes at the lobby, thanks',
  'Neighbour on 12/F is bringing the rest tonight',
  'Still short of one pack, anyone nearby?',
  'Left at the guard desk, please collect',
] as const;

/** A realistic progress note (what a resident writes in an update). */
export function updateNote(i: number): string {
  return UPDATE_NOTES[i % UPDATE_NOTES.length] as string;
}

/**
 * How a seeded board is made up: `posts` posts, each followed by `updatesPerPost` updates; with
 * `members`, that many residents with profiles, one in MEMBERS_PER_VOLUNTEER a volunteer (granted
 * by the founder), every other vouched for by a volunteer, and the posts are theirs.
 */
export interface RecordMix {
  readonly posts: number;
  readonly updatesPerPost: number;
  readonly members?: number;
}

/** One volunteer for this many members. */
export const MEMBERS_PER_VOLUNTEER = 100;

/** Records in a mix: posts and their updates (and the members' profiles, roles and vouches). */
export function recordsOf(mix: RecordMix): number {
  const members = mix.members ?? 0;
  // A profile each, and a role (volunteers) or a vouch (everyone else).
  const trust = 2 * members;
  return mix.posts * (1 + mix.updatesPerPost) + trust;
}

/** "10000 posts", "50000 records (10000 posts × 1 + 4 updates)", "10000 posts, 2000 members (…)". */
export function describeMix(mix: RecordMix): string {
  const posts =
    mix.updatesPerPost === 0
      ? `${mix.posts} posts`
      : `${mix.posts * (1 + mix.updatesPerPost)} records (${mix.posts} posts × 1 + ${mix.updatesPerPost} updates)`;
  const members = mix.members ?? 0;
  if (members === 0) return posts;
  const volunteers = volunteersOf(members);
  return `${posts}, ${members} members (${volunteers} volunteers, ${members - volunteers} vouched)`;
}

/** The key of a mix among seeded squares: "10000x1", "10000x5", "10000x1+2000m". */
export function mixKey(mix: RecordMix): string {
  const members = mix.members ?? 0;
  return `${mix.posts}x${1 + mix.updatesPerPost}${members > 0 ? `+${members}m` : ''}`;
}

export function volunteersOf(members: number): number {
  return Math.max(1, Math.round(members / MEMBERS_PER_VOLUNTEER));
}

/** A square's residents: their keys, the volunteers among them, and their profiles and vouches. */
export interface Members {
  readonly residents: readonly Identity[];
  readonly volunteers: readonly Identity[];
  /** Profiles of everyone, and a volunteer's vouch for every resident who is not one. */
  readonly records: readonly AnyRecord[];
}

/** Signs `count` residents' profiles, and vouches by the first volunteersOf(count) of them. */
export async function memberRecords(count: number, nowMs: number): Promise<Members> {
  const residents = await Promise.all(Array.from({ length: count }, () => generateIdentity()));
  const volunteers = residents.slice(0, volunteersOf(count));
  const start = nowMs - 120_000 - count * 2;
  const records = await Promise.all(
    residents.flatMap((resident, i) => {
      const profile = signAs(
        resident,
        'profile',
        { name: `Neighbour ${i}`, building: `Block ${1 + (i % 12)}` },
        start + 2 * i,
      );
      if (i < volunteers.length) return [profile];
      const voucher = volunteers[i % volunteers.length]!;
      return [profile, signAs(voucher, 'vouch', { member: resident.author }, start + 2 * i + 1)];
    }),
  );
  return { residents, volunteers, records };
}

/**
 * Seeds a square's members: the page (the founder) grants the volunteer role through its own
 * board; profiles and vouches, signed by the residents and volunteers, are written as their
 * devices would. Returns the residents' keys, for their posts.
 */
export async function seedMembers(page: Page, count: number, chunk: number): Promise<readonly Identity[]> {
  const members = await memberRecords(count, Date.now());
  const refused = await page.evaluate(
    async (volunteers) => {
      const { board } = (window as KaifongWindow).kaifong!;
      const results = await Promise.all(volunteers.map((v) => board.commands.setRole(v as never, 'grant-volunteer')));
      return results.flatMap((r) => (r.ok ? [] : [r.reason]));
    },
    members.volunteers.map((v) => v.author),
  );
  if (refused.length > 0) throw new Error(`the founder's board refused a role: ${refused[0]}`);
  const entries = entriesOf(members.records);
  for (let i = 0; i < entries.length; i += chunk) await writeStoredRecords(page, entries.slice(i, i + chunk));
  await boardIdle(page);
  return members.residents;
}

export interface SeedTiming {
  /** Until every publishPost/updatePost call had resolved (signed, in the doc, folded). */
  readonly publishMs: number;
  /** publishMs plus the wait for board.whenIdle() (vault writes). */
  readonly totalMs: number;
  /**
   * After that, until IndexedDB had committed everything (flushIndexedDb, 1.5 s pause included):
   * mostly y-indexeddb, which writes every Yjs update (one per record here) in its own
   * transaction and rewrites the whole document once 500 entries have piled up.
   */
  readonly flushMs: number;
}

/**
 * Seeds a board through its own record layer: batches of about `chunk` records, each batch a
 * set of posts published concurrently, then their updates ('progress' with a note) concurrently.
 */
export async function seedRecords(
  page: Page,
  room: string,
  mix: RecordMix,
  chunk: number,
  label: string,
): Promise<SeedTiming> {
  const start = performance.now();
  let lastLog = start;
  const postsPerBatch = Math.max(1, Math.floor(chunk / (1 + mix.updatesPerPost)));
  const total = recordsOf(mix);
  const members = mix.members ?? 0;
  const residents = members > 0 ? await seedMembers(page, members, chunk) : [];
  if (members > 0) log(`${label}: seeded ${members} members with their roles and vouches`);
  // The members' own posts (vouched, so up to the open limit each), or fresh neighbours' keys.
  const keys = members > 0 ? new NeighbourKeys(Math.ceil(mix.posts / members), residents) : new NeighbourKeys();
  for (let done = 0; done < mix.posts;) {
    const n = Math.min(postsPerBatch, mix.posts - done);
    const bodies = Array.from({ length: n }, (_, k) =>
      postBody(done + k, `seed post ${done + k}: spare for a neighbour`),
    );
    const notes = Array.from({ length: mix.updatesPerPost }, (_, j) => updateNote(done + j));
    // Many neighbours' posts with their own progress notes: one key's would be held back by its limits.
    await publishAsNeighbours(page, bodies, () => notes, keys);
    done += n;
    const now = performance.now();
    if (now - lastLog > 5000 || done === mix.posts) {
      const records = done * (1 + mix.updatesPerPost) + (total - recordsOf({ ...mix, members: 0 }));
      const rate = records / ((now - start) / 1000);
      log(`${label}: seeded ${records}/${total} records (${rate.toFixed(0)} records/s)`);
      lastLog = now;
    }
  }
  const publishMs = performance.now() - start;
  log(`${label}: all calls resolved; waiting for board.whenIdle(), then for IndexedDB`);
  await boardIdle(page);
  const totalMs = performance.now() - start;
  await flushIndexedDb(page, room);
  const flushMs = performance.now() - start - totalMs;
  log(
    `${label}: seeded: calls ${(publishMs / 1000).toFixed(1)} s, whenIdle +${((totalMs - publishMs) / 1000).toFixed(1)} s, IndexedDB flush +${(flushMs / 1000).toFixed(1)} s`,
  );
  return { publishMs, totalMs, flushMs };
}
