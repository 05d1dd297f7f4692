/**
 * Issue 9, attack 2 at the exchange: an update from a peer that deletes or overwrites records
 * this device holds as live is refused before it is applied, so it is never forwarded and never
 * answered with a restore of the whole square; storms quarantine the peer. Deletions honest
 * peers make (erasure, retention pruning) still pass.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import { QUARANTINE_HARM, QUARANTINE_MS } from '../../src/lib/sync/doc-exchange.ts';
import { JudgedExchanges, until, type JudgedNode as Node } from '../support/judged-exchange.ts';
import { HOUR, identity, postBody, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let bob: Identity;
let net: JudgedExchanges;
const clock = { now: T0 };

beforeAll(async () => {
  [founder, alice, bob] = await Promise.all([identity(61), identity(62), identity(63)]);
  net = new JudgedExchanges(founder.author, () => clock.now);
});

afterEach(() => net.destroy());

const honest = (who: Identity) => net.honest(who);
const hostile = () => net.hostile();
const link: JudgedExchanges['link'] = (...args) => net.link(...args);

async function publish(node: Node, count: number): Promise<PostId[]> {
  const ids: PostId[] = [];
  for (let i = 0; i < count; i++) {
    const result = await node.device.board.commands.publishPost(postBody({ note: `post ${i}` }));
    if (!result.ok) throw new Error(result.reason);
    ids.push(result.id as PostId);
  }
  await node.device.board.whenIdle();
  return ids;
}

describe('judging updates before they are applied (attack 2)', () => {
  it('refuses a delete storm: nothing is lost, nothing is re-sent, the peer is quarantined', async () => {
    // The founder: 30 open posts are within a founder's limits (issue 10), not a resident's.
    const a = await honest(founder);
    const b = await honest(bob);
    link(a.exchange, 'a', b.exchange, 'b');
    await publish(a, 30);
    await until(() => b.device.board.view.postCount === 30, 'b has the square');

    const mallory = hostile();
    link(b.exchange, 'b', mallory.exchange, 'm');
    await until(() => mallory.records.size === b.device.records.size, 'mallory has the square');
    const sentBefore = b.exchange.stats.bytesSent;
    const aSentBefore = a.exchange.stats.bytesSent;
    const sizeBefore = Y.encodeStateAsUpdate(b.device.doc).length;

    mallory.doc.transact(() => {
      for (const key of [...mallory.records.keys()]) mallory.records.delete(key);
    });
    await until(() => b.exchange.stats.quarantines === 1, 'the quarantine');
    await b.device.board.whenIdle();

    expect(b.exchange.stats.updatesRefused).toBe(1);
    expect(b.exchange.stats.recordsRefused).toBeGreaterThanOrEqual(30);
    expect(b.device.board.view.postCount).toBe(30);
    expect(b.device.records.size).toBe(30);
    // Not applied, so not forwarded to a and answered by nobody with a restore of the square.
    expect(a.device.records.size).toBe(30);
    expect(b.exchange.stats.bytesSent - sentBefore).toBeLessThan(200);
    expect(a.exchange.stats.bytesSent - aSentBefore).toBeLessThan(200);
    expect(Y.encodeStateAsUpdate(b.device.doc).length).toBe(sizeBefore);
    expect(b.exchange.peerCount).toBe(1);

    // A quarantined peer that connects again is closed at once, until the quarantine ends.
    const again = link(b.exchange, 'b', mallory.exchange, 'm');
    expect(again.ca.closed).toBe(true);
    expect(b.exchange.isQuarantined('m')).toBe(true);
    net.scheduler.advance(QUARANTINE_MS);
    expect(b.exchange.isQuarantined('m')).toBe(false);
  });

  it('takes a few deletions out, keeps the records, and gives them back to the peer that lacks them', async () => {
    const b = await honest(bob);
    const ids = await publish(b, 3);
    const mallory = hostile();
    link(b.exchange, 'b', mallory.exchange, 'm');
    await until(() => mallory.records.size === 3, 'mallory has the square');
    const genuine = b.device.records.get(ids[0]!);

    mallory.doc.transact(() => ids.slice(0, 2).forEach((id) => mallory.records.delete(id)));
    await until(() => mallory.records.size === 3, 'the records given back to mallory');
    await b.device.board.whenIdle();
    expect(b.exchange.stats.updatesRefused).toBe(1);
    expect(b.exchange.stats.recordsRefused).toBe(2);
    expect(b.device.records.get(ids[0]!)).toBe(genuine);
    expect(mallory.records.get(ids[0]!)).toBe(genuine);
    expect(b.device.board.view.postCount).toBe(3);
    expect(b.exchange.stats.quarantines).toBe(0);
    expect(b.exchange.peerCount).toBe(1);
  });

  it('puts back a record overwritten with something else, and quarantines an overwrite storm unapplied', async () => {
    const b = await honest(founder);
    const ids = await publish(b, QUARANTINE_HARM + 2);
    const mallory = hostile();
    link(b.exchange, 'b', mallory.exchange, 'm');
    await until(() => mallory.records.size === ids.length, 'mallory has the square');
    const genuine = b.device.records.get(ids[0]!);

    // One forged value cannot be taken out of mallory's run of changes: applied, then put back.
    mallory.records.set(ids[0]!, '{"forged":true}');
    await until(() => mallory.records.get(ids[0]!) === genuine, 'the genuine record back everywhere');
    await b.device.board.whenIdle();
    expect(b.device.records.get(ids[0]!)).toBe(genuine);
    expect(b.exchange.stats.quarantines).toBe(0);

    const sizeBefore = Y.encodeStateAsUpdate(b.device.doc).length;
    mallory.doc.transact(() => ids.forEach((id) => mallory.records.set(id, '{"forged":true}')));
    await until(() => b.exchange.stats.quarantines === 1, 'the quarantine');
    await b.device.board.whenIdle();
    for (const id of ids) expect(b.device.records.get(id), id).not.toBe('{"forged":true}');
    expect(Y.encodeStateAsUpdate(b.device.doc).length).toBe(sizeBefore);
    expect(b.device.board.view.postCount).toBe(ids.length);
    expect(b.exchange.peerCount).toBe(0);
  });

  it('does not keep waiting a deletion of records it has not received yet', async () => {
    const a = await honest(founder);
    const ids = await publish(a, 2);
    const square = Y.encodeStateAsUpdate(a.device.doc);
    // Mallory deletes what b has never seen and tells b before anyone sends b the square.
    const mallory = new Y.Doc();
    Y.applyUpdate(mallory, square);
    const deletions: Uint8Array[] = [];
    mallory.on('update', (update: Uint8Array) => deletions.push(update));
    mallory.transact(() => ids.forEach((id) => mallory.getMap(RECORDS_KEY).delete(id)));

    // Applied as sent, Yjs would keep the deletion waiting and drop the records on arrival.
    const naive = new Y.Doc();
    Y.applyUpdate(naive, deletions[0]!);
    Y.applyUpdate(naive, square);
    expect(naive.getMap(RECORDS_KEY).size).toBe(0);

    const b = await honest(bob);
    const verdict = b.device.board.judge(deletions[0]!);
    expect(verdict).toEqual({ harm: 0, accept: [] });
    Y.applyUpdate(b.device.doc, square, 'remote');
    await b.device.board.whenIdle();
    expect(b.device.board.view.postCount).toBe(2);
  });

  it('lets through the deletions honest peers make: erasure and retention pruning', async () => {
    const a = await honest(alice);
    const b = await honest(bob);
    link(a.exchange, 'a', b.exchange, 'b');
    const [erased, resolved, open] = await publish(a, 3);
    await until(() => b.device.board.view.postCount === 3, 'b has the posts');

    expect(await a.device.board.commands.erasePost(erased!)).toMatchObject({ ok: true });
    await until(() => b.device.board.view.post(erased!) === undefined, 'the erasure');
    expect(await a.device.board.commands.updatePost(resolved!, 'resolve', '')).toMatchObject({ ok: true });
    await until(() => b.device.board.view.post(resolved!)?.status === 'resolved', 'the resolution');

    // A month and a day later a prunes the resolved post; b, whose clock agrees, lets it go.
    clock.now = T0 + 31 * 24 * HOUR;
    expect(a.device.board.prune()).toBe(1);
    await until(() => !b.device.records.has(resolved!), 'the pruning reaches b');
    await b.device.board.whenIdle();
    expect(b.exchange.stats.updatesRefused).toBe(0);
    expect(b.device.board.view.post(open!)).toBeDefined();
    expect(b.exchange.peerCount).toBe(1);
    clock.now = T0;
  });
});
