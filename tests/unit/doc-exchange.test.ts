import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import {
  CHUNK_BYTES,
  DocExchange,
  HELLO_ATTEMPTS,
  HELLO_RETRY_MS,
  MESSAGE,
  MIN_RECORD_BYTES,
  STALL_MS,
  type TransferProgress,
} from '../../src/lib/sync/doc-exchange.ts';
import {
  createInMemoryChannelPair,
  HIGH_WATER_BYTES,
  type InMemoryPeerChannel,
} from '../../src/lib/sync/peer-channel.ts';
import { splitUpdate } from '../../src/lib/sync/update-chunks.ts';
import { ChannelPair } from '../support/channel-pair.ts';
import { ManualScheduler } from '../support/manual-scheduler.ts';

const exchanges: DocExchange[] = [];

interface TestPeer {
  doc: Y.Doc;
  exchange: DocExchange;
  progress: TransferProgress[];
}

function peer(records = 0, prefix = 'a', scheduler?: ManualScheduler): TestPeer {
  const doc = new Y.Doc();
  const map = doc.getMap('records');
  doc.transact(() => {
    for (let i = 0; i < records; i++) map.set(`${prefix}${i}`, { note: `post ${i}`, padding: 'x'.repeat(200) });
  });
  const exchange = new DocExchange(doc, {
    countPosts: () => map.size,
    maxTransferBytes: 50 * 1024 * 1024,
    ...(scheduler ? { scheduler } : {}),
  });
  exchanges.push(exchange);
  const progress: TransferProgress[] = [];
  exchange.onProgress((p) => progress.push(p));
  return { doc, exchange, progress };
}

function connect(a: DocExchange, b: DocExchange, ids: [string, string] = ['b', 'a']) {
  const [ca, cb] = createInMemoryChannelPair();
  a.addPeer(ids[0], ca);
  b.addPeer(ids[1], cb);
  return { ca, cb };
}

/** Waits until a condition holds, letting queued microtasks and timers run. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Records the largest message a channel carries. */
function measure(channel: InMemoryPeerChannel): { max: number; chunks: number } {
  const stats = { max: 0, chunks: 0 };
  const send = channel.send.bind(channel);
  channel.send = (message: Uint8Array) => {
    stats.max = Math.max(stats.max, message.length);
    if (message[0] === MESSAGE.chunk) stats.chunks++;
    send(message);
  };
  return stats;
}

afterEach(() => {
  for (const e of exchanges.splice(0)) e.destroy();
});

describe('DocExchange', () => {
  it('a newcomer receives a large square in bounded pieces, with progress', async () => {
    const a = peer(5000);
    const b = peer();
    const [ca, cb] = createInMemoryChannelPair();
    const stats = measure(ca);
    a.exchange.addPeer('b', ca);
    b.exchange.addPeer('a', cb);
    await until(() => b.doc.getMap('records').size === 5000, 'all records');
    expect(Y.encodeStateVector(b.doc)).toEqual(Y.encodeStateVector(a.doc));
    expect(stats.chunks).toBeGreaterThan(50);
    expect(stats.max).toBeLessThanOrEqual(CHUNK_BYTES + 16);
    const during = b.progress.filter((p) => p.receiving);
    expect(during.length).toBeGreaterThan(10);
    expect(during.at(-1)!.postsAnnounced).toBe(5000);
    expect(during.some((p) => p.piecesReceived > 0 && p.piecesReceived < p.piecesTotal)).toBe(true);
    expect(b.exchange.progress.receiving).toBe(false);
  });

  it('a transfer cut halfway resumes on reconnect without starting over', async () => {
    const a = peer(4000);
    const b = peer();
    const [ca, cb] = createInMemoryChannelPair();
    a.exchange.addPeer('b', ca);
    b.exchange.addPeer('a', cb);
    let delivered = 0;
    cb.onMessage((message) => {
      if (message[0] === MESSAGE.chunk && ++delivered === 40) cb.close(); // the Wi-Fi drops
    });
    await until(() => ca.closed, 'the cut');
    const partial = b.doc.getMap('records').size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(4000);
    expect(b.exchange.progress.receiving).toBe(false);
    const announced = b.exchange.stats.piecesAnnounced;

    const [ca2, cb2] = createInMemoryChannelPair();
    const second = measure(ca2);
    a.exchange.addPeer('b', ca2);
    b.exchange.addPeer('a', cb2);
    await until(() => b.doc.getMap('records').size === 4000, 'the rest');
    // Only the missing part travels again: about (1 - 40/total) of the pieces, not all of them.
    expect(announced).toBeGreaterThan(60);
    expect(second.chunks).toBe(announced - 40);
  });

  it('both sides get what they lack, and live changes reach peers further along a chain', async () => {
    const a = peer(30, 'a');
    const b = peer(20, 'b');
    const c = peer(10, 'c');
    connect(a.exchange, b.exchange, ['b', 'a']);
    connect(b.exchange, c.exchange, ['c', 'b']);
    await until(() => [a, b, c].every((p) => p.doc.getMap('records').size === 60), 'full convergence');
    a.doc.getMap('records').set('live', { note: 'just posted' });
    await until(() => c.doc.getMap('records').has('live'), 'the live post at the far end');
    c.doc.getMap('records').set('big', { padding: 'y'.repeat(100_000) });
    await until(() => a.doc.getMap('records').has('big'), 'a large live update, in pieces');
  });

  it('serves newcomers the same transfer until the document changes, then a fresh one', async () => {
    const a = peer(2000);
    const b = peer();
    const c = peer();
    connect(a.exchange, b.exchange, ['b', 'a']);
    await until(() => b.doc.getMap('records').size === 2000, 'B complete');
    a.doc.getMap('records').set('late', { note: 'written after B joined' });
    await until(() => b.doc.getMap('records').has('late'), 'B live update');
    connect(a.exchange, c.exchange, ['c', 'a']);
    await until(() => c.doc.getMap('records').size === 2001, 'C complete, with the late record');
    expect(Y.encodeStateVector(c.doc)).toEqual(Y.encodeStateVector(a.doc));
  });

  it('refuses a transfer announced as too large, for as long as that peer stays (attack 6)', async () => {
    const a = peer(100);
    const doc = new Y.Doc();
    const small = new DocExchange(doc, { countPosts: () => 0, maxTransferBytes: 1000 });
    exchanges.push(small);
    const { cb } = connect(a.exchange, small, ['b', 'a']);
    await until(() => small.progress.refused !== null, 'the refusal');
    expect(small.progress.refused!.bytes).toBeGreaterThan(1000);
    expect(small.progress.receiving).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(doc.getMap('records').size).toBe(0);
    // The refusal is that peer's, and ends when it leaves.
    cb.close();
    await until(() => small.progress.refused === null, 'the refusal to end with the peer');
  });

  it('bounds what a peer announces by its bytes, and ends a transfer that stalls (attack 6)', async () => {
    const scheduler = new ManualScheduler();
    const b = peer(0, 'b', scheduler);
    const [attacker, cb] = createInMemoryChannelPair();
    b.exchange.addPeer('m', cb);
    const begin = encoding.createEncoder();
    encoding.writeVarUint(begin, MESSAGE.begin);
    encoding.writeVarUint(begin, 4_294_967_295); // pieces
    encoding.writeVarUint(begin, 4_294_967_295); // posts
    encoding.writeVarUint(begin, 5_000); // bytes
    attacker.send(encoding.toUint8Array(begin));
    await until(() => b.exchange.progress.receiving, 'the announced transfer');
    expect(b.exchange.progress.postsAnnounced).toBe(5_000 / MIN_RECORD_BYTES);
    expect(b.exchange.progress.piecesTotal).toBe(5_000);
    scheduler.advance(STALL_MS);
    expect(b.exchange.progress.receiving).toBe(false);
    expect(b.progress.at(-1)!.receiving).toBe(false);
  });

  it('survives malformed messages from a peer', async () => {
    const a = peer(10);
    const b = peer();
    const { ca } = connect(a.exchange, b.exchange);
    ca.send(Uint8Array.of(MESSAGE.chunk, 200, 1, 2));
    ca.send(Uint8Array.of(99));
    ca.send(new Uint8Array(0));
    await until(() => b.doc.getMap('records').size === 10, 'the records despite garbage');
  });

  it('says HELLO again as soon as the peer, started late, says its own; and repeats it on its scheduler until answered', () => {
    const scheduler = new ManualScheduler();
    const a = peer(10, 'a', scheduler);
    const b = peer(0, 'b', scheduler);
    const pair = new ChannelPair();
    a.exchange.addPeer('b', pair.a);
    pair.flush(); // B has not added A yet: A's first HELLO is lost
    expect(pair.lost).toBe(1);
    b.exchange.addPeer('a', pair.b);
    pair.flush();
    expect(b.doc.getMap('records').size).toBe(10); // A answered B's HELLO
    // and said its own again on hearing B's, without waiting for the retry
    expect(a.exchange.stats.transfersBegun).toBe(1);
    expect(a.exchange.stats.piecesReceived).toBe(0); // B had nothing to send
    scheduler.advance(HELLO_RETRY_MS);
    expect(scheduler.active).toBe(0);
    expect(pair.lost).toBe(1);

    // A peer whose HELLOs all went out before the other's end opened is answered at once too.
    const c = peer(0, 'c', scheduler);
    const d = peer(5, 'd', scheduler);
    const late = new ChannelPair();
    c.exchange.addPeer('d', late.a);
    scheduler.advance(3 * HELLO_RETRY_MS);
    late.flush();
    expect(late.lost).toBe(4);
    d.exchange.addPeer('c', late.b);
    late.flush();
    expect(c.doc.getMap('records').size).toBe(5);
    const sent = a.exchange.stats.messagesSent;
    scheduler.advance(10 * HELLO_RETRY_MS);
    expect(a.exchange.stats.messagesSent).toBe(sent);
  });

  it('gives up repeating HELLO after HELLO_ATTEMPTS', () => {
    const scheduler = new ManualScheduler();
    const a = peer(0, 'a', scheduler);
    const pair = new ChannelPair();
    a.exchange.addPeer('b', pair.a);
    scheduler.advance(2 * HELLO_ATTEMPTS * HELLO_RETRY_MS);
    expect(pair.a.outbox).toHaveLength(HELLO_ATTEMPTS);
    expect(scheduler.active).toBe(0);
  });

  it('waits for a slow channel to drain, and stops waiting when it closes', async () => {
    const a = peer(300);
    const b = peer();
    // Each byte counts 1,000 times: about 20 pieces of 1 KiB fill the channel.
    const slow = new ChannelPair({ scale: 1000 });
    const small = { countPosts: () => 0, chunkBytes: 1024 };
    const sender = new DocExchange(a.doc, small);
    const receiver = new DocExchange(b.doc, small);
    exchanges.push(sender, receiver);
    sender.addPeer('b', slow.a);
    receiver.addPeer('a', slow.b);
    slow.flush(); // the HELLOs, and the start of the answer
    await Promise.resolve();
    expect(slow.a.bufferedAmount).toBeGreaterThanOrEqual(HIGH_WATER_BYTES);
    const queued = slow.a.outbox.length;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(slow.a.outbox).toHaveLength(queued); // nothing more until it drains
    for (let i = 0; i < 100 && slow.pending > 0; i++) {
      slow.flush();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(b.doc.getMap('records').size).toBe(300);

    a.doc.transact(() => {
      for (let i = 0; i < 100; i++) a.doc.getMap('records').set(`late${i}`, { padding: 'z'.repeat(500) });
    });
    const waiting = slow.a.outbox.length;
    expect(waiting).toBeGreaterThan(0);
    slow.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sender.peerCount).toBe(0);
    expect(slow.a.outbox).toHaveLength(0);
  });

  it('sends the peer an update came from what that update let in from others', () => {
    // Peer 1 writes x, then links to peer 2 and writes y: peer 2 hears y from peer 1 first, and
    // x only through peer 0.
    const [p0, p1, p2] = [peer(0, 'a'), peer(0, 'b'), peer(0, 'c')];
    const link = (x: TestPeer, y: TestPeer, ids: [string, string]) => {
      const pair = new ChannelPair();
      x.exchange.addPeer(ids[0], pair.a);
      y.exchange.addPeer(ids[1], pair.b);
      return pair;
    };
    const l01 = link(p0, p1, ['1', '0']);
    const l02 = link(p0, p2, ['2', '0']);
    l01.flush();
    l02.flush();
    p1.doc.getMap('records').set('x', 'first');
    l01.flush(); // x reaches peer 0, which forwards it towards peer 2
    const l12 = link(p1, p2, ['2', '1']);
    p1.doc.getMap('records').set('y', 'second');
    while (l12.deliverFrom(l12.a)); // peer 1's HELLO and y: Yjs holds y until x arrives
    expect(p2.doc.getMap('records').has('y')).toBe(false);
    l01.disconnect(); // peer 0 will not hear y from peer 1
    l02.flush(); // x reaches peer 2 from peer 0, and lets y in with it
    expect(p2.doc.getMap('records').get('y')).toBe('second');
    l12.flush();
    l02.flush();
    expect(p0.doc.getMap('records').get('y')).toBe('second');
  });

  it('integrates pieces that Yjs left waiting though what they wait for has arrived', () => {
    // Two writers on one key: b0 b1 a0 (over b1) b2 (over a0) b3. Applied one by one as
    // a0 b3 b0 b1 b2, Yjs 13.6 keeps a0, b2 and b3 pending for good: its retry waits for a
    // clock of b that is itself pending.
    const [a, b] = [new Y.Doc(), new Y.Doc()];
    a.clientID = 2;
    b.clientID = 1;
    const sync = () => {
      Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    };
    b.getMap('m').set('k1', 0);
    sync();
    b.getMap('m').set('k2', 1);
    sync();
    a.getMap('m').set('k2', 2);
    sync();
    b.getMap('m').set('k2', 3);
    b.getMap('m').set('k0', 4);
    sync();
    const pieces = new Map(
      splitUpdate(Y.encodeStateAsUpdate(a), 1).map((piece) => {
        const [struct] = Y.decodeUpdate(piece).structs;
        return [struct ? `${struct.id.client === 2 ? 'a' : 'b'}${struct.id.clock}` : 'deletes', piece];
      }),
    );
    const raw = new Y.Doc();
    for (const name of ['a0', 'b3', 'b0', 'b1', 'b2']) Y.applyUpdate(raw, pieces.get(name)!);
    expect(raw.getMap('m').toJSON()).toEqual({ k1: 0 }); // the upstream behaviour worked around

    const receiver = peer();
    const pair = new ChannelPair();
    receiver.exchange.addPeer('sender', pair.b);
    for (const name of ['a0', 'b3', 'b0', 'b1', 'b2']) pair.a.send(frame(MESSAGE.update, pieces.get(name)!));
    pair.flush();
    expect(receiver.doc.getMap('m').toJSON()).toEqual({ k0: 4, k1: 0, k2: 3 });
  });
});

function frame(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}
