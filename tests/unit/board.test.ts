import { parseStoredForm, storedForm } from '../../src/lib/board/stored-form.ts';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Board } from '../../src/lib/board/board.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { PostId, RecordId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord, SignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { openTestDevice, receive, type TestDevice } from '../support/device.ts';
import { clockReading } from '../support/fake-clock.ts';
import { PeerNetwork } from '../support/peers.ts';
import { channelWorker } from '../support/verify-channel.ts';
import { POOL_BATCH, WorkerPoolVerifier } from '../../src/lib/crypto/verify-pool.ts';
import { identity, MINUTE, postBody, sign, signPost, signUpdate, stored, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let mallory: Identity;

beforeAll(async () => {
  [founder, alice, mallory] = await Promise.all([identity(11), identity(12), identity(13)]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

type Device = TestDevice;

function device(who: Identity, store = new InMemoryVaultStore(), doc = new Y.Doc()): Promise<Device> {
  return openTestDevice({ identity: who, founder: founder.author, store, doc, now: () => T0 });
}

/** Writes straight into the shared map, as a remote peer's update would. */
function put(d: Device, key: string, value: unknown): void {
  const entry = typeof value === 'object' && value !== null ? storedForm(value as SignedRecord) : value;
  d.doc.transact(() => d.records.set(key, entry), 'remote');
}

describe('invalid entries in the shared map', () => {
  it('never folds a record with a bad signature, and counts it', async () => {
    const d = await device(alice);
    const genuine = await signPost(mallory, postBody({ note: 'genuine' }), T0);
    const forged = { ...stored(genuine), body: postBody({ note: 'forged' }) };
    put(d, genuine.id, forged);
    await d.board.whenIdle();
    expect(d.board.view.post(genuine.id as PostId)).toBeUndefined();
    expect(d.board.view.recordCount).toBe(0);
    expect(d.board.invalidCount).toBe(1);
    expect(d.store.verified.size).toBe(0);
  });

  it('never folds a record signed by another key than its author', async () => {
    const d = await device(alice);
    // Mallory signs a post that claims to be Alice's.
    const forged = await sign(mallory, 'post', postBody({ note: 'I am Alice' }), T0);
    const asAlice = { ...stored(forged), author: alice.author };
    put(d, forged.id, asAlice);
    await d.board.whenIdle();
    expect([...d.board.view.posts()]).toEqual([]);
    expect(d.board.invalidCount).toBe(1);
  });

  it('never folds a valid record stored under another key, nor garbage', async () => {
    const d = await device(alice);
    const post = await signPost(mallory, postBody(), T0);
    put(d, 'A'.repeat(22), stored(post));
    put(d, 'B'.repeat(22), { hello: 'world' });
    put(d, 'C'.repeat(22), 42);
    await d.board.whenIdle();
    expect([...d.board.view.posts()]).toEqual([]);
    expect(d.board.invalidCount).toBe(3);
  });

  it('folds a valid record from another author and keeps it in the vault', async () => {
    const d = await device(alice);
    const post = await signPost(mallory, postBody({ note: 'real' }), T0);
    put(d, post.id, stored(post));
    await d.board.whenIdle();
    expect(d.board.view.post(post.id as PostId)?.body.note).toBe('real');
    expect(d.store.verified.get(post.id)).toEqual(post);
    expect(d.board.invalidCount).toBe(0);
  });

  it('counts an update by someone other than the author as invalid', async () => {
    const d = await device(alice);
    const published = await d.board.commands.publishPost(postBody());
    if (!published.ok) throw new Error(published.reason);
    const hijack = await signUpdate(mallory, published.id, 'resolve', T0 + MINUTE);
    put(d, hijack.id, stored(hijack));
    await d.board.whenIdle();
    expect(d.board.view.post(published.id)?.status).toBe('open');
    expect(d.board.invalidCount).toBe(1);
  });
});

describe('verification in a pool of workers', () => {
  it('folds every genuine record of a large batch, in order, and never the forged ones among them', async () => {
    const pool = new WorkerPoolVerifier(() => channelWorker(), 2);
    try {
      const d = await openTestDevice({ identity: alice, founder: founder.author, now: () => T0, signatures: pool });
      const authors = await Promise.all(Array.from({ length: 40 }, (_, n) => identity(100 + n)));
      const records = await Promise.all(
        Array.from({ length: 2 * POOL_BATCH + 20 }, (_, n) =>
          signPost(authors[n % authors.length]!, postBody({ note: `post ${n}` }), T0 - n * MINUTE),
        ),
      );
      const forged = new Set([3, POOL_BATCH, 2 * POOL_BATCH + 19]);
      d.doc.transact(() => {
        records.forEach((record, n) => {
          const form = forged.has(n) ? { ...stored(record), body: postBody({ note: 'forged' }) } : stored(record);
          d.records.set(record.id, storedForm(form));
        });
      }, 'remote');
      await d.board.whenIdle();
      // Beside a board that checks in process and got only the genuine records (some over their
      // authors' limits, which the fold counts too): the forged ones are the only difference.
      const genuine = await openTestDevice({ identity: alice, founder: founder.author, now: () => T0 });
      await receive(genuine, ...records.filter((_, n) => !forged.has(n)));
      expect(d.board.invalidCount).toBe(genuine.board.invalidCount + forged.size);
      const byId = (board: Board) => [...board.view.posts()].sort((x, y) => x.id.localeCompare(y.id));
      expect(byId(d.board)).toEqual(byId(genuine.board));
      // Valid records, over their authors' limits or not, are in the vault and the fold; forged ones nowhere.
      records.forEach((record, n) => expect(d.store.verified.has(record.id), `post ${n}`).toBe(!forged.has(n)));
      expect(d.store.verified.size).toBe(records.length - forged.size);
      expect(d.board.view.recordCount).toBe(records.length - forged.size);
      expect(pool.failed).toBe(false);
    } finally {
      pool.destroy();
    }
  });
});

describe('vault restores', () => {
  it('puts back a valid record a peer deleted', async () => {
    const net = await PeerNetwork.create(2, { now: T0 });
    const [a, b] = net.peers as [(typeof net.peers)[0], (typeof net.peers)[0]];
    const published = await a.board.commands.publishPost(postBody({ note: 'please keep me' }));
    if (!published.ok) throw new Error(published.reason);
    const original = structuredClone(a.records.get(published.id));
    await net.settle();
    expect(b.board.view.post(published.id)).toBeDefined();

    b.records.delete(published.id); // b is hostile (or buggy)
    net.flush();
    expect(a.records.has(published.id)).toBe(false);
    await net.settle();
    expect(a.records.get(published.id)).toEqual(original);
    expect(b.records.get(published.id)).toEqual(original);
  });

  it('puts back a record deleted while the board was closed', async () => {
    const store = new InMemoryVaultStore();
    const first = await device(alice, store);
    const published = await first.board.commands.publishPost(postBody());
    if (!published.ok) throw new Error(published.reason);
    await first.board.whenIdle();
    first.board.detach();

    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first.doc));
    doc.getMap(RECORDS_KEY).delete(published.id);
    const second = await device(alice, store, doc);
    expect(second.records.get(published.id)).toEqual(first.records.get(published.id));
  });

  it('rejects a tampered copy under a known key and restores the vault copy', async () => {
    const d = await device(alice);
    const published = await d.board.commands.publishPost(postBody({ note: 'two tablets please' }));
    if (!published.ok) throw new Error(published.reason);
    const original = parseStoredForm(d.records.get(published.id)) as SignedRecord;
    const tampered = { ...original, body: postBody({ note: 'send money to 1234' }) };
    put(d, published.id, tampered);
    await d.board.whenIdle();
    expect(d.board.view.post(published.id)?.body.note).toBe('two tablets please');
    expect(parseStoredForm(d.records.get(published.id))).toEqual(original);
    expect(d.store.verified.get(published.id)?.body).toEqual(original.body);
  });

  it('accepts the genuine record after first seeing a tampered copy of it', async () => {
    // Regression: the rejected-entry cache was keyed by signature alone, and a tampered copy
    // keeps the genuine signature, so the genuine record was then skipped for good.
    const d = await device(alice);
    const genuine = await signPost(mallory, postBody({ note: 'genuine' }), T0);
    put(d, genuine.id, { ...stored(genuine), body: postBody({ note: 'tampered' }) });
    await d.board.whenIdle();
    expect(d.board.view.post(genuine.id)).toBeUndefined();
    put(d, genuine.id, stored(genuine));
    await d.board.whenIdle();
    expect(d.board.view.post(genuine.id)?.body.note).toBe('genuine');
  });

  it('survives a copy with a body Yjs can hold but JSON cannot', async () => {
    // Regression: a BigInt in a tampered copy made the whole batch throw, losing the restore
    // and every other record that arrived with it.
    const d = await device(alice);
    const published = await d.board.commands.publishPost(postBody());
    if (!published.ok) throw new Error(published.reason);
    const original = structuredClone(d.records.get(published.id));
    const other = await signPost(mallory, postBody({ note: 'arrived alongside' }), T0);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    d.doc.transact(() => {
      d.records.set(published.id, { ...(original as SignedRecord), body: { note: 10n } });
      d.records.set(other.id, storedForm(other));
    }, 'remote');
    await d.board.whenIdle();
    expect(errors).not.toHaveBeenCalled();
    expect(d.records.get(published.id)).toEqual(original);
    expect(d.board.view.post(other.id)?.body.note).toBe('arrived alongside');
  });
});

describe('cold start', () => {
  it('folds everything from the vault before and after attach, without verifying it again', async () => {
    const store = new InMemoryVaultStore();
    const first = await device(alice, store);
    const ids: RecordId[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await first.board.commands.publishPost(postBody({ note: `mine ${i}` }));
      if (!r.ok) throw new Error(r.reason);
      ids.push(r.id);
    }
    const resolved = await first.board.commands.updatePost(ids[0]!, 'resolve', 'thank you');
    expect(resolved.ok).toBe(true);
    const theirs: AnyRecord[] = [
      await signPost(mallory, postBody({ note: 'theirs' }), T0),
      await sign(mallory, 'profile', { name: 'Mallory' }, T0),
      await sign(founder, 'square', { name: 'Tai Hang' }, T0),
    ];
    first.doc.transact(() => {
      for (const r of theirs) first.records.set(r.id, storedForm(r));
    }, 'remote');
    await first.board.whenIdle();
    first.board.detach();
    const expectedPosts = [...first.board.view.posts()].sort((a, b) => a.id.localeCompare(b.id));
    expect(expectedPosts).toHaveLength(4);

    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first.doc));
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const board = await Board.open({
      doc,
      store,
      founder: founder.author,
      identity: alice,
      clock: clockReading(() => T0),
    });
    const posts = () => [...board.view.posts()].sort((a, b) => a.id.localeCompare(b.id));
    expect(posts()).toEqual(expectedPosts);
    expect(board.view.squareName()).toBe('Tai Hang');
    expect(board.view.profile(mallory.author)).toEqual({ name: 'Mallory' });

    await board.attach();
    expect(posts()).toEqual(expectedPosts);
    expect(verify).not.toHaveBeenCalled();

    // The spy does see verification of a record the vault lacks.
    const fresh = await signPost(mallory, postBody({ note: 'new' }), T0 + MINUTE);
    doc.transact(() => doc.getMap(RECORDS_KEY).set(fresh.id, storedForm(fresh)), 'remote');
    await board.whenIdle();
    expect(verify).toHaveBeenCalledTimes(1);
    expect(board.view.post(fresh.id)).toBeDefined();
  });

  it('does not verify known-invalid entries again on a cold start', async () => {
    const store = new InMemoryVaultStore();
    const first = await device(alice, store);
    const post = await signPost(mallory, postBody(), T0);
    put(first, post.id, { ...stored(post), body: postBody({ note: 'tampered' }) });
    await first.board.whenIdle();
    first.board.detach();

    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first.doc));
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const second = await device(alice, store, doc);
    expect(verify).not.toHaveBeenCalled();
    expect(second.board.invalidCount).toBe(1);
    expect([...second.board.view.posts()]).toEqual([]);
  });
});

describe('commands', () => {
  it("refuses to update another author's post and leaves it unchanged", async () => {
    const net = await PeerNetwork.create(2, { now: T0 });
    const [a, b] = net.peers as [(typeof net.peers)[0], (typeof net.peers)[0]];
    const published = await a.board.commands.publishPost(postBody());
    if (!published.ok) throw new Error(published.reason);
    await net.settle();
    expect(await b.board.commands.updatePost(published.id, 'resolve')).toEqual({ ok: false, reason: 'not-author' });
    expect(await a.board.commands.updatePost(published.id, 'resolve')).toMatchObject({ ok: true });
    await net.settle();
    expect(b.board.view.post(published.id)?.status).toBe('resolved');
  });

  it('refuses a body the schema refuses, writing nothing', async () => {
    const d = await device(alice);
    const result = await d.board.commands.publishPost(postBody({ items: [{ item: 'ibuprofen-200', qty: 100 }] }));
    expect(result).toEqual({ ok: false, reason: 'quantity-refused', field: 'items.0' });
    expect(d.records.size).toBe(0);
  });

  it('lets only the founder name the square', async () => {
    const net = await PeerNetwork.create(2, { now: T0 });
    const [founderPeer, other] = net.peers as [(typeof net.peers)[0], (typeof net.peers)[0]];
    expect((await other.board.commands.nameSquare('Mine now')).ok).toBe(false);
    expect((await founderPeer.board.commands.nameSquare('Tai Hang 街坊')).ok).toBe(true);
    await net.settle();
    expect(other.board.view.squareName()).toBe('Tai Hang 街坊');
  });

  it('timestamps a new record after every record it has seen', async () => {
    const d = await device(alice);
    const ahead = await signPost(mallory, postBody(), T0 + 60_000);
    put(d, ahead.id, stored(ahead));
    await d.board.whenIdle();
    const mine = await d.board.commands.publishPost(postBody());
    if (!mine.ok) throw new Error(mine.reason);
    expect(d.board.view.post(mine.id)!.at > ahead.at).toBe(true);
  });
});

describe('a board opened before its document', () => {
  it('folds the vault, keeps what is written meanwhile, and puts it in the document it attaches to', async () => {
    const store = new InMemoryVaultStore();
    const earlier = await signPost(alice, postBody({ note: 'from the vault' }), T0);
    await store.putVerified([earlier]);
    const board = await Board.open({ store, founder: founder.author, identity: alice, clock: clockReading(() => T0) });
    expect(board.view.post(earlier.id as PostId)?.body.note).toBe('from the vault');

    // Written while yjs is still loading: shown at once, and waiting for the document.
    const published = await board.commands.publishPost(postBody({ note: 'written before the document' }));
    if (!published.ok) throw new Error(published.reason);
    expect(board.view.post(published.id)).toBeDefined();
    expect(board.judge(new Uint8Array([0, 0])).harm).toBe(0);

    const doc = new Y.Doc();
    await board.attach(doc);
    const records = doc.getMap(RECORDS_KEY);
    expect(records.has(published.id)).toBe(true);
    // The vault's record is put back into the document too, as for any document that lacks it.
    await vi.waitFor(() => expect(records.has(earlier.id)).toBe(true));
    expect(parseStoredForm(records.get(published.id))).toMatchObject({ body: { note: 'written before the document' } });
  });

  it('cannot attach without a document', async () => {
    const board = await Board.open({
      store: new InMemoryVaultStore(),
      founder: founder.author,
      identity: alice,
      clock: clockReading(() => T0),
    });
    await expect(board.attach()).rejects.toThrow(/attaches to a document/);
  });
});
