/**
 * Issue 10, "junk does not travel": entries of the shared map that are not validly signed
 * records are removed by the devices that see them, so they stop riding along in every
 * newcomer's download; validly signed records of kinds this version does not know are kept; a
 * blocked key's records leave the map (and come back on undo). None of these removals looks
 * like harm to an honest peer's update judge (doc-exchange.ts), so no honest device is refused
 * or quarantined for making them.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord, RecordKind } from '../../src/lib/domain/kinds/registry.ts';
import { QUARANTINE_HARM } from '../../src/lib/sync/doc-exchange.ts';
import { openTestDevice, receive } from '../support/device.ts';
import { JudgedExchanges, until, type HostileNode, type JudgedNode } from '../support/judged-exchange.ts';
import { HOUR, identity, MINUTE, postBody, sign, signPost, stored, T0 } from './fixtures.ts';
import { POST_LIMITS } from '../../src/lib/domain/limits.ts';

let founder: Identity;
let bob: Identity;
let carol: Identity;
let mallory: Identity;
let net: JudgedExchanges;

beforeAll(async () => {
  [founder, bob, carol, mallory] = await Promise.all([identity(71), identity(72), identity(73), identity(74)]);
  net = new JudgedExchanges(founder.author, () => T0 + 10 * MINUTE);
});

afterEach(() => {
  net.destroy();
  vi.restoreAllMocks();
});

/** Writes entries into the attacker's document, as its own client would. */
function write(mallory: HostileNode, entries: readonly (readonly [string, unknown])[]): void {
  mallory.doc.transact(() => {
    for (const [key, value] of entries) mallory.records.set(key, value);
  });
}

const entry = (record: AnyRecord) => [record.id, storedForm(record)] as const;

/** Neither device refused an update from the other, nor quarantined anyone. */
function noneRefused(...nodes: JudgedNode[]): void {
  for (const node of nodes) {
    expect(node.exchange.stats.updatesRefused).toBe(0);
    expect(node.exchange.stats.quarantines).toBe(0);
  }
}

/** A validly signed record of a kind this version does not know, as a newer version would write. */
function foreignRecord(who: Identity, ms: number): Promise<AnyRecord> {
  return sign(who, 'notice' as RecordKind, { text: 'a kind from a newer version' } as never, ms);
}

/** Junk of every sort, each about 2 KB: what a member with the link can write. */
async function junkEntries(count: number): Promise<[string, unknown][]> {
  const padding = 'x'.repeat(2000);
  const post = await signPost(mallory, postBody({ note: 'genuine' }), T0);
  const other = await signPost(mallory, postBody({ note: 'other' }), T0 + 1);
  const sorts: ((i: number) => [string, unknown])[] = [
    (i) => [`junk-${i}`, padding],
    (i) => [`J${i}`.padEnd(22, 'J'), JSON.stringify({ forged: true, padding })],
    (i) => [`K${i}`.padEnd(22, 'K'), i],
    // A genuine record under another key than its id.
    (i) => [`L${i}`.padEnd(22, 'L'), storedForm(post)],
    // Under its own id, with another record's signature.
    () => [post.id, JSON.stringify({ ...stored(post), sig: other.sig })],
    // A tampered copy under the genuine id.
    () => [other.id, JSON.stringify({ ...stored(other), body: postBody({ note: padding.slice(0, 900) }) })],
  ];
  return Array.from({ length: count }, (_, i) => sorts[i % sorts.length]!(i));
}

describe('entries that are not validly signed records', () => {
  it('are removed by every device that sees them, and no honest device is refused for it', async () => {
    const a = await net.honest(founder);
    const b = await net.honest(bob);
    net.link(a.exchange, 'a', b.exchange, 'b');
    const published = await a.device.board.commands.publishPost(postBody({ note: 'genuine post' }));
    if (!published.ok) throw new Error(published.reason);
    const m = net.hostile();
    net.link(b.exchange, 'b', m.exchange, 'm');
    await until(() => m.records.size === 1, 'mallory has the square');

    const junk = await junkEntries(60);
    const foreign = await foreignRecord(mallory, T0 + MINUTE);
    write(m, [...junk, entry(foreign)]);
    const junkKeys = new Set(junk.map(([key]) => key));
    const holdsJunk = (node: JudgedNode) => [...node.device.records.keys()].some((key) => junkKeys.has(key));
    await until(() => !holdsJunk(a) && !holdsJunk(b) && a.device.records.has(foreign.id), 'the junk is gone');
    await Promise.all([a.device.board.whenIdle(), b.device.board.whenIdle()]);

    noneRefused(a, b);
    for (const node of [a, b]) {
      expect([...node.device.records.keys()].sort()).toEqual([published.id, foreign.id].sort());
      // Counted as ignored; the newer version's record is not invalid, just not read here.
      expect(node.device.board.invalidCount).toBe(junkKeys.size);
      expect(node.device.board.view.postCount).toBe(1);
    }
    expect(m.records.size).toBe(2);

    // A newcomer downloads tombstones, not the junk: each leaves its key behind (Yjs keeps the
    // key of a deleted map entry), and nothing else beyond a few times the genuine records.
    const c = await net.honest(carol);
    net.link(a.exchange, 'a', c.exchange, 'c');
    await until(() => c.device.records.size === 2, 'the newcomer has the square');
    const genuine = storedForm(a.device.board.records()[0]!).length + storedForm(foreign).length;
    const junkBytes = junk.reduce((sum, [, value]) => sum + JSON.stringify(value).length, 0);
    const download = Y.encodeStateAsUpdate(c.device.doc).length;
    expect(junkBytes).toBeGreaterThan(50 * genuine);
    const keyBytes = [...junkKeys].reduce((sum, key) => sum + key.length + 8, 0);
    expect(download).toBeLessThan(3 * genuine + keyBytes);
    expect(c.device.board.invalidCount).toBe(0);
  });

  it("counts a newer version's records toward their author's hourly rate", async () => {
    const d = await openTestDevice({ identity: bob, founder: founder.author, now: () => T0 + HOUR });
    const foreign = await Promise.all(
      Array.from({ length: POST_LIMITS.perHour }, (_, i) => foreignRecord(mallory, T0 + i * MINUTE)),
    );
    const post = await signPost(mallory, postBody({ note: 'one more' }), T0 + 30 * MINUTE);
    await receive(d, ...foreign, post);
    expect(d.board.view.post(post.id as PostId)).toBeUndefined();
    expect(d.board.view.heldReason(post.id as PostId)).toEqual({ ok: false, reason: 'rate-limit' });
    for (const record of foreign) expect(d.records.has(record.id), 'kept for the versions that read it').toBe(true);
  });

  it('puts back a record it holds that a peer overwrote with something else, rather than removing it', async () => {
    const d = await openTestDevice({ identity: bob, founder: founder.author, now: () => T0 });
    const published = await d.board.commands.publishPost(postBody({ note: 'keep me' }));
    if (!published.ok) throw new Error(published.reason);
    const genuine = d.records.get(published.id);
    d.doc.transact(() => d.records.set(published.id, '{"forged":true}'), 'remote');
    await d.board.whenIdle();
    expect(d.records.get(published.id)).toBe(genuine);
    expect(d.board.view.post(published.id)?.body.note).toBe('keep me');
  });

  it('keeps an entry signed with a scheme this device cannot check: another device may hold it as valid', async () => {
    const d = await openTestDevice({ identity: bob, founder: founder.author, now: () => T0 });
    const stranger = await identity(75);
    const post = await signPost(stranger, postBody({ note: 'from a browser with Ed25519' }), T0);
    vi.spyOn(crypto.subtle, 'importKey').mockRejectedValue(new DOMException('no Ed25519', 'NotSupportedError'));
    d.doc.transact(() => d.records.set(post.id, storedForm(post)), 'remote');
    await d.board.whenIdle();
    expect(d.records.get(post.id)).toBe(storedForm(post));
    expect(d.board.invalidCount).toBe(1);
  });
});

describe("a blocked key's records", () => {
  async function flooded(count: number) {
    const a = await net.honest(founder);
    const b = await net.honest(bob);
    net.link(a.exchange, 'a', b.exchange, 'b');
    const m = net.hostile();
    net.link(b.exchange, 'b', m.exchange, 'm');
    const posts = await Promise.all(
      Array.from({ length: count }, (_, i) => signPost(mallory, postBody({ note: `flood ${i}` }), T0 + i)),
    );
    write(m, posts.map(entry));
    await until(() => a.device.records.size === count && b.device.records.size === count, 'the flood arrived');
    await Promise.all([a.device.board.whenIdle(), b.device.board.whenIdle()]);
    return { a, b, m, posts };
  }

  const holdsAny = (node: JudgedNode, records: readonly AnyRecord[]) =>
    records.some((record) => node.device.records.has(record.id));
  const holdsAll = (node: JudgedNode, records: readonly AnyRecord[]) =>
    records.every((record) => node.device.records.has(record.id));

  it('leave the shared map on every device, reach no newcomer, and come back on undo', async () => {
    const { a, b, m, posts } = await flooded(12);
    const blocked = await a.device.board.commands.block(mallory.author, 'resale');
    if (!blocked.ok) throw new Error(blocked.reason);
    await until(() => !holdsAny(a, posts) && !holdsAny(b, posts), 'the records leave the map');
    await Promise.all([a.device.board.whenIdle(), b.device.board.whenIdle()]);
    noneRefused(a, b);
    // Still known to each device, and ignored.
    expect(b.device.board.view.heldReason(posts[0]!.id as PostId)).toMatchObject({ reason: 'blocked' });

    // A newcomer gets none of them.
    const c = await net.honest(carol);
    net.link(a.exchange, 'a', c.exchange, 'c');
    await until(() => c.device.board.view.authority.isBlocked(mallory.author), 'the newcomer has the block');
    await c.device.board.whenIdle();
    expect(holdsAny(c, posts)).toBe(false);
    expect(c.device.board.view.postCount).toBe(0);

    // What the key writes next is dropped as it arrives.
    const late = await signPost(mallory, postBody({ note: 'one more' }), T0 + MINUTE);
    write(m, [entry(late)]);
    await until(() => b.device.board.view.heldReason(late.id as PostId) !== undefined, 'the late post reached b');
    await until(() => !holdsAny(a, [late]) && !holdsAny(b, [late]) && !holdsAny(c, [late]), 'the late post goes');

    // Undo: every device that kept them puts them back, and they travel again.
    const undone = await a.device.board.commands.undoModeration(blocked.id);
    if (!undone.ok) throw new Error(undone.reason);
    const all = [...posts, late];
    await until(() => [a, b, c].every((node) => holdsAll(node, all)), 'the records come back');
    await Promise.all([a, b, c].map((node) => node.device.board.whenIdle()));
    noneRefused(a, b, c);
    expect(c.device.board.view.post(posts[0]!.id as PostId)).toBeDefined();
  });

  it('deleted by a device that has not heard of the undo yet, is no harm to one that has', async () => {
    const x = await net.honest(bob);
    const y = await net.honest(carol);
    const { ca } = net.link(x.exchange, 'x', y.exchange, 'y');
    const m = net.hostile();
    net.link(x.exchange, 'x', m.exchange, 'm');
    const posts = await Promise.all(
      Array.from({ length: QUARANTINE_HARM + 2 }, (_, i) => signPost(mallory, postBody({ note: `p ${i}` }), T0 + i)),
    );
    write(m, posts.map(entry));
    await until(() => holdsAll(x, posts) && holdsAll(y, posts), 'both hold the same entries');
    ca.close();

    const block = await sign(founder, 'moderation', { action: 'block', member: mallory.author, reason: 'resale' }, T0);
    const undo = await sign(founder, 'moderation', { action: 'undo', moderation: block.id }, T0 + MINUTE);
    // y hears of the block and its undo together; x of the block alone, and deletes.
    await receive(y.device, block, undo);
    await receive(x.device, block);
    expect(holdsAny(x, posts)).toBe(false);
    expect(holdsAll(y, posts)).toBe(true);

    net.link(x.exchange, 'x', y.exchange, 'y');
    await until(() => x.device.board.view.authority.isBlocked(mallory.author) === false, 'x hears of the undo');
    await until(() => holdsAll(x, posts) && holdsAll(y, posts), 'the records are back everywhere');
    await Promise.all([x.device.board.whenIdle(), y.device.board.whenIdle()]);
    noneRefused(x, y);
    expect(y.exchange.peerCount).toBe(1);
  });
});
