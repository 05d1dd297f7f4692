import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { COPY_FORMAT, readCopy, writeCopy, type CopyEntry } from '../../src/lib/domain/square-copy.ts';
import type { RoomId, AuthorKey } from '../../src/lib/domain/ids.ts';
import { openTestDevice, type TestDevice } from '../support/device.ts';
import { identity, postBody, sign, signPost, signUpdate, stored, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let mallory: Identity;

beforeAll(async () => {
  [founder, alice, mallory] = await Promise.all([identity(31), identity(32), identity(33)]);
});

function device(who: Identity, doc = new Y.Doc()): Promise<TestDevice> {
  return openTestDevice({ identity: who, founder: founder.author, doc, now: () => T0 });
}

/** A's square through a file, as the app writes and reads it. */
function throughFile(records: readonly AnyRecord[]): CopyEntry[] {
  const text = writeCopy({
    format: COPY_FORMAT,
    savedAt: '2026-12-02T00:00:00.000Z',
    square: { name: 'Lok Fu', room: 'R'.repeat(22) as RoomId, founder: founder.author as AuthorKey },
    records: records.map(({ id, ...record }) => ({ id, record })),
  });
  const read = readCopy(text);
  if (!read.ok) throw new Error(read.problem);
  return [...read.copy.records];
}

describe('opening a copy of the square', () => {
  it('gives a device that never met the author every post, resolved or not, and only the new ones count', async () => {
    const a = await device(alice);
    await a.board.commands.nameSquare('Lok Fu').catch(() => undefined);
    const one = await a.board.commands.publishPost(postBody({ note: 'one' }));
    const two = await a.board.commands.publishPost(postBody({ note: 'two' }));
    if (!one.ok || !two.ok) throw new Error('published');
    await a.board.commands.updatePost(one.id as PostId, 'resolve');
    await a.board.whenIdle();

    const d = await device(founder);
    const result = await d.board.merge(throughFile(a.board.records()));
    expect(result).toEqual({ ok: true, records: a.board.records().length, posts: 2 });
    expect(d.board.view.post(one.id as PostId)?.status).toBe('resolved');
    expect(d.board.view.post(two.id as PostId)?.body.note).toBe('two');
    // Kept like a peer's records: in the vault and the shared map, so they reach D's neighbours.
    expect(d.store.verified.size).toBe(a.board.records().length);
    expect(d.records.size).toBe(a.board.records().length);

    // Opening the same file again adds nothing.
    expect(await d.board.merge(throughFile(a.board.records()))).toEqual({ ok: true, records: 0, posts: 0 });
  });

  it('changes nothing when one record of the file is not what its author signed', async () => {
    const genuine = await signPost(alice, postBody({ note: 'genuine' }), T0);
    const other = await signPost(alice, postBody({ note: 'other' }), T0 + 1);
    const forged = { ...genuine, body: postBody({ note: 'forged' }) } as AnyRecord;
    const d = await device(founder);
    expect(await d.board.merge(throughFile([other, forged]))).toEqual({ ok: false, forged: 1 });
    expect([...d.board.view.posts()]).toEqual([]);
    expect(d.records.size).toBe(0);
    expect(d.store.verified.size).toBe(0);
    expect(d.board.invalidCount).toBe(0);
  });

  it('refuses a record filed under another id than its own, or of a kind this version does not know', async () => {
    const post = await signPost(alice, postBody(), T0);
    const other = await signPost(alice, postBody({ note: 'x' }), T0 + 1);
    const d = await device(founder);
    const swapped = throughFile([post]).map((entry) => ({ ...entry, id: other.id }));
    expect(await d.board.merge(swapped)).toEqual({ ok: false, forged: 1 });
    expect(await d.board.merge([{ id: 'x', record: { ...stored(post), kind: 'poll' } }])).toEqual({
      ok: false,
      forged: 1,
    });
    expect(d.records.size).toBe(0);
  });

  it('judges filed records by the same rules as a peer’s: an update by someone else is kept but not folded', async () => {
    const post = await signPost(alice, postBody(), T0);
    const hijack = await signUpdate(mallory, post.id, 'resolve', T0 + 1);
    const d = await device(founder);
    const result = await d.board.merge(throughFile([post, hijack]));
    expect(result).toMatchObject({ ok: true, posts: 1 });
    expect(d.board.view.post(post.id as PostId)?.status).toBe('open');
  });

  it('does not bring back a post its author erased', async () => {
    const d = await device(alice);
    const published = await d.board.commands.publishPost(postBody({ note: 'erase me' }));
    if (!published.ok) throw new Error('published');
    const before = d.board.records();
    await d.board.commands.erasePost(published.id as PostId);
    await d.board.whenIdle();
    await d.board.merge(throughFile(before));
    expect(d.board.view.post(published.id as PostId)).toBeUndefined();
    expect(d.records.has(published.id)).toBe(false);
  });

  it('reaches a neighbour of the device that opened it, through the shared document', async () => {
    const doc = new Y.Doc();
    const d = await device(founder, doc);
    const neighbourDoc = new Y.Doc();
    const neighbour = await device(mallory, neighbourDoc);
    const square = await sign(founder, 'square', { name: 'Lok Fu' }, T0);
    const post = await signPost(alice, postBody({ note: 'from the file' }), T0 + 1);
    await d.board.merge(throughFile([square, post]));
    Y.applyUpdate(neighbourDoc, Y.encodeStateAsUpdate(doc), 'remote');
    await neighbour.board.whenIdle();
    expect(neighbour.board.view.post(post.id as PostId)?.body.note).toBe('from the file');
    expect(neighbour.board.view.squareName()).toBe('Lok Fu');
  });
});
