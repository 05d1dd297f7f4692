// Seeded boards for the app benchmark: valid, varied post bodies and realistic updates, written
// by many neighbours' keys, each within the limits every device enforces (issue 10).

import type { Page } from '@playwright/test';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import { boardIdle, publishAsNeighbours } from '../../tests/support/page-driver.ts';
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

/** How a seeded board is made up: `posts` posts, each followed by `updatesPerPost` updates. */
export interface RecordMix {
  readonly posts: number;
  readonly updatesPerPost: number;
}

/** Records in a mix: posts and their updates. */
export function recordsOf(mix: RecordMix): number {
  return mix.posts * (1 + mix.updatesPerPost);
}

/** "10000 posts" or "50000 records (10000 posts × 1 + 4 updates)". */
export function describeMix(mix: RecordMix): string {
  if (mix.updatesPerPost === 0) return `${mix.posts} posts`;
  return `${recordsOf(mix)} records (${mix.posts} posts × 1 + ${mix.updatesPerPost} updates)`;
}

/** The key of a mix among seeded squares: "10000x1", "10000x5". */
export function mixKey(mix: RecordMix): string {
  return `${mix.posts}x${1 + mix.updatesPerPost}`;
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
  for (let done = 0; done < mix.posts;) {
    const n = Math.min(postsPerBatch, mix.posts - done);
    const bodies = Array.from({ length: n }, (_, k) =>
      postBody(done + k, `seed post ${done + k}: spare for a neighbour`),
    );
    const notes = Array.from({ length: mix.updatesPerPost }, (_, j) => updateNote(done + j));
    // Many neighbours' posts with their own progress notes: one key's would be held back by its limits.
    await publishAsNeighbours(page, bodies, () => notes);
    done += n;
    const now = performance.now();
    if (now - lastLog > 5000 || done === mix.posts) {
      const records = done * (1 + mix.updatesPerPost);
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
