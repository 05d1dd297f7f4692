/**
 * Issue 10, the hostile member with a client of its own: a Node process that holds the link,
 * joins over real WebRTC (@roamhq/wrtc) with the exchange the app speaks, and writes records
 * signed with keys of its own: 1,000 posts from one key, 300 from 100 keys, resolves of others'
 * posts, posts dated a year ahead, and 1,000 junk entries. The honest residents are browsers.
 */
import type { Page } from '@playwright/test';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { generateIdentity, signRecord, type Identity } from '../../src/lib/crypto/signing.ts';
import { RECORD_VERSION } from '../../src/lib/domain/envelope.ts';
import { encodeHlc, hlcMs, MAX_DRIFT_MS, type Hlc } from '../../src/lib/domain/hlc.ts';
import type { AnyRecord, RecordKind, UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { POST_LIMITS } from '../../src/lib/domain/limits.ts';
import { HostileClient } from '../support/hostile-client.ts';
import { neighbourPosts } from '../support/neighbours.ts';
import {
  APP_TIMEOUT_MS,
  BOARD_VIEW,
  boardIdle,
  joinSquare,
  postList,
  publishPost,
  recordCountOf,
  roomOf,
  storedRecordsOf,
  twoNeighbours,
  type KaifongWindow,
} from '../support/page-driver.ts';
import { expect, test } from './fixtures.ts';

const YEAR_MS = 365 * 24 * 3_600_000;

async function sign(who: Identity, kind: RecordKind, body: unknown, ms: number): Promise<AnyRecord> {
  const at = encodeHlc({ ms, counter: 0 });
  return (await signRecord(
    { v: RECORD_VERSION, kind, author: who.author, at, body } as UnsignedRecord,
    who,
  )) as AnyRecord;
}

const entry = (record: AnyRecord): [string, string] => [record.id, storedForm(record)];

function offer(note: string) {
  return {
    type: 'offer',
    items: [{ item: 'antigen-test', qty: 1 }],
    urgency: 'stocking',
    groups: [],
    where: { building: 'Block 3', floor: '3/F' },
    note,
  };
}

/** What an honest page shows: its open posts' ids, authors and times, and how many of `junkKeys` its map still holds. */
function shown(page: Page, junkKeys: readonly string[]) {
  return page.evaluate(
    ({ view, junkKeys }) => {
      const { board, doc } = (window as KaifongWindow).kaifong!;
      const posts = [...board[view].posts()].filter((post) => post.status === 'open');
      const records = doc.getMap('records');
      return {
        posts: posts.map((post) => ({ id: post.id, author: post.author, at: post.at })),
        junkLeft: junkKeys.filter((key) => records.has(key)).length,
      };
    },
    { view: BOARD_VIEW, junkKeys },
  );
}

/**
 * The newcomer's stored document (its y-indexeddb database: every row of every store) in bytes,
 * beside the stored forms of the validly signed records its board holds.
 */
function storedSizes(page: Page, room: string): Promise<{ document: number; records: number }> {
  return page.evaluate(async (room) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(`kaifong-doc-${room}`);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    let document = 0;
    for (const name of db.objectStoreNames) {
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const row of rows) document += row instanceof Uint8Array ? row.byteLength : JSON.stringify(row).length;
    }
    db.close();
    const { board, doc } = (window as KaifongWindow).kaifong!;
    const map = doc.getMap<string>('records');
    const records = board.records().reduce((sum, record) => sum + (map.get(record.id)?.length ?? 0), 0);
    return { document, records };
  }, room);
}

test('a hostile client of its own floods the square: residents see their posts, the newcomer no junk', async ({
  openPeer,
  server,
}) => {
  test.setTimeout(300_000);
  const { a, b, link } = await twoNeighbours(openPeer);
  await publishPost(a, { item: 'Thermometer', quantity: 1, note: 'Genuine one' });
  await publishPost(a, { item: 'Surgical mask', quantity: 1, note: 'Genuine two' });
  await publishPost(b, { item: 'Thermometer', quantity: 1, note: 'Genuine three' });
  for (const page of [a, b]) await expect(postList(page).getByRole('listitem')).toHaveCount(3);
  const genuine = (await storedRecordsOf(a, 'post')).map(([id]) => id);

  const mallory = HostileClient.spawn(server.url, link);
  try {
    const before = (await storedRecordsOf(a, 'profile')).length + genuine.length;
    await expect
      .poll(async () => (await mallory.status()).entries, { timeout: APP_TIMEOUT_MS })
      .toBeGreaterThanOrEqual(before);

    // The attack, signed here with the attacker's own keys.
    const now = Date.now();
    const flooder = await generateIdentity();
    const flood = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => sign(flooder, 'post', offer(`flood ${i}`), now - 2000 + i * 2)),
    );
    const many = await neighbourPosts(
      Array.from({ length: 300 }, (_, i) => offer(`many keys ${i}`)),
      now,
    );
    const resolves = await Promise.all(
      genuine.map((post) => sign(flooder, 'update', { post, action: 'resolve' }, now)),
    );
    const ahead = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        sign(await generateIdentity(), 'post', offer(`from the future ${i}`), now + YEAR_MS + i),
      ),
    );
    const junk = Array.from({ length: 1000 }, (_, i): [string, string] => [
      `junk${i}`.padEnd(22, '_'),
      `{"kind":"post","junk":${i},"pad":"${'x'.repeat(900)}"}`,
    ]);
    for (let i = 0; i < flood.length; i += 100) await mallory.write(flood.slice(i, i + 100).map(entry));
    await mallory.write(many.entries);
    await mallory.write([...resolves, ...ahead].map(entry));
    for (let i = 0; i < junk.length; i += 250) await mallory.write(junk.slice(i, i + 250));

    const signed = flood.length + many.records.length + resolves.length + ahead.length;
    const junkKeys = junk.map(([key]) => key);
    for (const page of [a, b]) {
      await expect.poll(() => recordCountOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(before + signed);
      await expect.poll(async () => (await shown(page, junkKeys)).junkLeft, { timeout: 60_000 }).toBe(0);
      await boardIdle(page);

      const { posts } = await shown(page, junkKeys);
      // Every genuine post stays open, whoever "resolved" it.
      for (const id of genuine) expect(posts.map((post) => post.id)).toContain(id);
      // The flooding key shows no more than an unvouched key's open limit.
      expect(posts.filter((post) => post.author === flooder.author).length).toBeLessThanOrEqual(
        POST_LIMITS.openUnvouched,
      );
      // Nothing from the future.
      expect(posts.filter((post) => hlcMs(post.at as Hlc) > Date.now() + MAX_DRIFT_MS)).toEqual([]);
      await expect(postList(page)).not.toContainText('from the future');
    }

    // The residents still exchange new posts (the normal expect timeout, nothing longer).
    await publishPost(b, { item: 'Thermometer', quantity: 1, note: 'After the flood' });
    await expect(postList(a)).toContainText('After the flood');

    // A newcomer's stored document holds no junk: a few times its validly signed records at most.
    const newcomer = await openPeer();
    await joinSquare(newcomer, link, 'Newcomer');
    await expect.poll(() => recordCountOf(newcomer), { timeout: 120_000 }).toBeGreaterThanOrEqual(before + signed + 1);
    await boardIdle(newcomer);
    const sizes = await storedSizes(newcomer, roomOf(link));
    test.info().annotations.push({
      type: 'newcomer',
      description: `stored document ${sizes.document} bytes for ${sizes.records} bytes of signed records`,
    });
    console.log(`[hostile-client] newcomer: document ${sizes.document} B, signed records ${sizes.records} B`);
    expect(sizes.document).toBeLessThan(3 * sizes.records);

    // A volunteer (the founder here) blocks the flooding key: its records leave every device's
    // document, so the next newcomer downloads what is left of them, their keys.
    const block = await a.evaluate(
      (author) => (window as KaifongWindow).kaifong!.board.commands.block(author as never, 'resale'),
      flooder.author,
    );
    expect(block.ok).toBe(true);
    const floodIds = flood.map((record) => record.id);
    for (const page of [a, b, newcomer])
      await expect.poll(async () => (await shown(page, floodIds)).junkLeft, { timeout: 60_000 }).toBe(0);
    const second = await openPeer();
    await joinSquare(second, link, 'Second newcomer');
    await expect
      .poll(() => recordCountOf(second), { timeout: 120_000 })
      .toBeGreaterThanOrEqual(before + signed + 1 - flood.length);
    await boardIdle(second);
    expect((await shown(second, floodIds)).junkLeft).toBe(0);
    const after = await storedSizes(second, roomOf(link));
    const floodBytes = flood.reduce((sum, record) => sum + storedForm(record).length, 0);
    console.log(`[hostile-client] after the block: document ${after.document} B, signed records ${after.records} B`);
    expect(after.document).toBeLessThan(sizes.document - floodBytes / 2);
    expect(after.document).toBeLessThan(3 * after.records);
  } finally {
    await mallory.stop();
  }
});
