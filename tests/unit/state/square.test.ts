/**
 * state/ as the UI sees it: AppState and SquareSession on in-memory services and a fake clock.
 * Each test drives the rune classes the way components do and reads their fields.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../../src/lib/crypto/signing.ts';
import type { AnyRecord } from '../../../src/lib/domain/kinds/registry.ts';
import { inviteFragment, parseInvite } from '../../../src/lib/domain/invite.ts';
import { selectPosts } from '../../../src/lib/domain/selection.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import { REFRESH_COST_FACTOR, REFRESH_MS, TRANSFER_REFRESH_MS } from '../../../src/lib/state/refresh-throttle.ts';
import { CLOCK_TICK_MS, SquareSession } from '../../../src/lib/state/square.svelte.ts';
import type { Board } from '../../../src/lib/board/board.ts';
import { storedForm } from '../../../src/lib/board/stored-form.ts';
import { RECORDS_KEY } from '../../../src/lib/board/schema.ts';
import { inMemoryServices, TestDeviceStorage, type TestAppServices } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { Rng } from '../../support/random.ts';
import { HOUR, identity, postBody, signPost, signUpdate, T0 } from '../fixtures.ts';

let founder: Identity;
let neighbour: Identity;

beforeAll(async () => {
  [founder, neighbour] = await Promise.all([identity(31), identity(32)]);
});

/** Lets pending promises (board ingest, vault writes) run; the fake clock does not advance. */
async function settle(session: SquareSession): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  void session;
}

async function foundSquare(services: TestAppServices): Promise<{ app: AppState; session: SquareSession }> {
  const app = new AppState(services);
  const created = await app.createSquare('Tai Hang Court', 'Ah Ming', 'Block 3');
  expect(created).toEqual({ ok: true });
  return { app, session: app.session! };
}

describe('founding and opening a square', () => {
  it('creates a square: named, joined, remembered, and its invite in the fragment', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { app, session } = await foundSquare(services);
    expect(session.phase).toBe('ready');
    expect(session.info.squareName).toBe('Tai Hang Court');
    expect(session.info.joined).toBe(true);
    expect(session.info.isFounder).toBe(true);
    expect(session.info.nameOf(session.me)).toBe('Ah Ming');
    expect(session.invite.founder).toBe(session.me);
    expect(services.device.hash).toMatch(/^#r=.{22}&k=.{22}&f=ed25519:.+&n=.{22}$/);
    expect(services.opened[0]!.transport.connected).toBe(true);
    const again = new AppState(services);
    expect(again.squares.map((s) => s.name)).toEqual(['Tai Hang Court']);
    await app.followLocation(); // same room: stays open
    expect(app.session).toBe(session);
  });

  it('shows the board from the vault after a reload, before the network says anything', async () => {
    const device = new TestDeviceStorage();
    const clock = new FakeClock(T0);
    const first = await foundSquare(inMemoryServices(clock, device));
    expect(await first.session.feed.publishPost(postBody({ note: 'fever, child' }))).toEqual({ ok: true });
    await settle(first.session);
    await first.session.close();

    const reloaded = new AppState(inMemoryServices(clock, device));
    await reloaded.followLocation();
    const session = reloaded.session!;
    expect(session.phase).toBe('ready');
    expect(session.feed.posts.map((p) => p.body.note)).toEqual(['fever, child']);
    expect(session.info.squareName).toBe('Tai Hang Court');
  });

  it('reports the transport status and transfer progress', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const transport = services.opened[0]!.transport;
    transport.report({ peers: 2, signalling: 'connected', lastSyncedMs: T0 });
    expect(session.connection.status).toMatchObject({ peers: 2, signalling: 'connected', lastSyncedMs: T0 });
    const progress = { receiving: true, piecesReceived: 3, piecesTotal: 9, postsAnnounced: 40, refused: null };
    transport.reportTransfer(progress);
    expect(session.connection.transfer).toEqual(progress);
  });

  it('keeps showing a transfer until the board has folded what arrived, then shows it ended', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const { transport, doc } = services.opened[0]!;
    const receiving = { receiving: true, piecesReceived: 1, piecesTotal: 2, postsAnnounced: 3, refused: null };
    transport.reportTransfer(receiving);
    const posts = await Promise.all(
      [0, 1, 2].map((i) => signPost(neighbour, postBody({ note: `arrived ${i}` }), T0 - 1000 * i)),
    );
    doc.transact(() => posts.forEach((post) => doc.getMap(RECORDS_KEY).set(post.id, storedForm(post))), 'peer');
    const ended = { ...receiving, receiving: false, piecesReceived: 2 };
    transport.reportTransfer(ended);
    // The last piece is in, but its records are still being checked: the progress stays.
    expect(session.connection.transfer).toEqual(receiving);
    await vi.waitFor(() => expect(session.connection.transfer).toEqual(ended));
    services.clock.advance(REFRESH_MS);
    expect(session.feed.postCount).toBe(3);
  });

  it('leaves a square: its transport is destroyed and the landing page lists it', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { app } = await foundSquare(services);
    app.leaveToLanding();
    await app.followLocation();
    expect(app.session).toBeNull();
    expect(services.opened[0]!.transport.destroyed).toBe(true);
    expect(app.squares).toHaveLength(1);
  });

  it('refuses a pasted text that is not an invite, and opens a pasted sound one', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { app, session } = await foundSquare(services);
    const link = `  https://kaifong.example/${services.device.hash}  `;
    app.leaveToLanding();
    await app.followLocation();
    expect(await app.join('https://example.org/#r=short')).toEqual({ ok: false, reason: 'not-invite' });
    expect(services.device.hash).toBe('');
    expect(await app.join(link)).toEqual({ ok: true });
    expect(services.device.hash).toBe(`#${inviteFragment(session.invite)}`);
  });
});

describe('the feed', () => {
  it('shows a neighbour’s post as soon as it arrives, and patches it when resolved', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const records = services.opened[0]!.doc.getMap(RECORDS_KEY);
    const post = await signPost(
      neighbour,
      postBody({ note: 'spare antigen tests', type: 'offer', items: [{ item: 'antigen-test', qty: 2 }] }),
      T0 - HOUR,
    );
    records.doc!.transact(() => records.set(post.id, storedForm(post)), 'peer');
    await settle(session);
    services.clock.advance(REFRESH_MS);
    expect(session.feed.posts.map((p) => p.id)).toEqual([post.id]);
    expect(session.feed.isMine(session.feed.posts[0]!)).toBe(false);

    const resolve = await signUpdate(neighbour, post.id, 'resolve', T0);
    records.doc!.transact(() => records.set(resolve.id, storedForm(resolve)), 'peer');
    await settle(session);
    services.clock.advance(REFRESH_MS);
    expect(session.feed.posts).toEqual([]);
    expect(session.feed.hasAnyPost).toBe(true);
    session.feed.setQuery({ showClosed: true });
    expect(session.feed.posts.map((p) => p.status)).toEqual(['resolved']);
  });

  it('re-renders at most every REFRESH_MS while changes pour in', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const records = services.opened[0]!.doc.getMap(RECORDS_KEY);
    const first = await signPost(neighbour, postBody({ note: 'first' }), T0 - 2 * HOUR);
    const second = await signPost(neighbour, postBody({ note: 'second' }), T0 - HOUR);
    records.doc!.transact(() => records.set(first.id, storedForm(first)), 'peer');
    await settle(session);
    services.clock.advance(REFRESH_MS); // the first change after a quiet spell shows at once
    expect(session.feed.posts).toHaveLength(1);
    records.doc!.transact(() => records.set(second.id, storedForm(second)), 'peer');
    await settle(session);
    expect(session.feed.posts).toHaveLength(1);
    services.clock.advance(REFRESH_MS);
    expect(session.feed.posts.map((p) => p.body.note)).toEqual(['second', 'first']);
  });

  it('waits REFRESH_COST_FACTOR times as long as a slow re-render took before the next one', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const records = services.opened[0]!.doc.getMap(RECORDS_KEY);
    const notes = ['first', 'second', 'third'];
    const posts = await Promise.all(
      notes.map((note, i) => signPost(neighbour, postBody({ note }), T0 - (3 - i) * HOUR)),
    );
    // Each re-render takes 200 ms (a list of thousands, at 50,000 records).
    const slow = 200;
    const patch = session.feed.patch.bind(session.feed);
    session.feed.patch = (changed) => {
      patch(changed);
      services.clock.set(services.clock.now() + slow);
    };
    const arrive = async (i: number) => {
      records.doc!.transact(() => records.set(posts[i]!.id, storedForm(posts[i]!)), 'peer');
      await settle(session);
    };
    services.clock.advance(REFRESH_COST_FACTOR * slow); // a quiet spell
    await arrive(0); // at once, and it took 200 ms
    expect(session.feed.posts).toHaveLength(1);
    await arrive(1);
    services.clock.advance(REFRESH_MS);
    expect(session.feed.posts).toHaveLength(1);
    services.clock.advance(REFRESH_COST_FACTOR * slow - slow - REFRESH_MS);
    expect(session.feed.posts).toHaveLength(2);
  });

  it('re-renders at most every TRANSFER_REFRESH_MS while a transfer is received', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const { transport, doc } = services.opened[0]!;
    const records = doc.getMap(RECORDS_KEY);
    const posts = await Promise.all(
      [0, 1].map((i) => signPost(neighbour, postBody({ note: `post ${i}` }), T0 - HOUR + i)),
    );
    transport.reportTransfer({ receiving: true, piecesReceived: 1, piecesTotal: 9, postsAnnounced: 2, refused: null });
    services.clock.advance(2 * TRANSFER_REFRESH_MS);
    doc.transact(() => records.set(posts[0]!.id, storedForm(posts[0]!)), 'peer');
    await settle(session);
    expect(session.feed.posts).toHaveLength(1); // after a quiet spell: at once
    doc.transact(() => records.set(posts[1]!.id, storedForm(posts[1]!)), 'peer');
    await settle(session);
    services.clock.advance(TRANSFER_REFRESH_MS - 1);
    expect(session.feed.posts).toHaveLength(1);
    services.clock.advance(1);
    expect(session.feed.posts).toHaveLength(2);
  });

  it('drops an expired post from the open list when the clock ticks', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    await session.feed.publishPost(postBody({ urgency: 'urgent', note: 'tonight' }));
    await settle(session);
    services.clock.advance(REFRESH_MS);
    expect(session.feed.posts).toHaveLength(1);
    services.clock.advance(24 * HOUR - CLOCK_TICK_MS);
    expect(session.feed.posts).toHaveLength(1);
    services.clock.advance(2 * CLOCK_TICK_MS);
    expect(session.feed.posts).toHaveLength(0);
    expect(session.now).toBeGreaterThanOrEqual(T0 + 24 * HOUR);
  });

  it('patches the list to exactly what selecting every post gives, whatever arrives', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const records = services.opened[0]!.doc.getMap(RECORDS_KEY);
    const rng = new Rng(7);
    session.feed.setQuery({ sort: 'urgent' });
    const posts: string[] = [];
    for (let round = 0; round < 12; round++) {
      const batch: AnyRecord[] = [];
      for (let i = 0; i < 1 + rng.int(4); i++) {
        if (posts.length > 0 && rng.chance(0.3)) {
          batch.push(
            await signUpdate(
              neighbour,
              rng.pick(posts) as never,
              rng.pick(['resolve', 'renew', 'withdraw'] as const),
              T0 - rng.int(HOUR),
            ),
          );
        } else {
          const urgency = rng.pick(['urgent', 'soon', 'stocking'] as const);
          const post = await signPost(
            neighbour,
            postBody({ urgency, note: `n${round}-${i}` }),
            T0 - rng.int(10 * HOUR),
          );
          posts.push(post.id);
          batch.push(post);
        }
      }
      records.doc!.transact(() => batch.forEach((r) => records.set(r.id, storedForm(r))), 'peer');
      await settle(session);
      services.clock.advance(REFRESH_MS);
      const board = (globalThis as any).kaifong.board as Board;
      const expected = selectPosts(board.view.posts(), session.feed.query, session.now);
      expect(
        session.feed.posts.map((p) => p.id),
        `round ${round}`,
      ).toEqual(expected.map((p) => p.id));
    }
  });
});

describe('closing and reopening my posts', () => {
  it('offers Undo after Mark resolved or Withdraw, and reopens the post (also later, as Reopen)', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const published = await session.feed.publishPost(postBody({ note: 'for my son' }));
    if (!published.ok) throw new Error(published.reason);
    await settle(session);
    services.clock.advance(REFRESH_MS);
    const id = session.feed.posts[0]!.id;
    for (const action of ['resolve', 'withdraw'] as const) {
      expect(await session.feed.updatePost(id, action)).toMatchObject({ ok: true });
      await settle(session);
      services.clock.advance(REFRESH_MS);
      expect(session.feed.undoable).toEqual({ post: id, action });
      expect(session.feed.posts).toHaveLength(0);
      expect(await session.feed.reopen(id)).toMatchObject({ ok: true });
      await settle(session);
      services.clock.advance(REFRESH_MS);
      expect(session.feed.undoable).toBeNull();
      expect(session.feed.posts.map((p) => [p.id, p.status])).toEqual([[id, 'open']]);
    }
  });
});

describe('commands', () => {
  it('says why in a code when a resident may not do something', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    const records = services.opened[0]!.doc.getMap(RECORDS_KEY);
    const theirs = await signPost(neighbour, postBody(), T0 - HOUR);
    records.doc!.transact(() => records.set(theirs.id, storedForm(theirs)), 'peer');
    await settle(session);
    expect(await session.feed.updatePost(theirs.id, 'resolve')).toEqual({ ok: false, reason: 'not-author' });
    expect(await session.feed.publishPost(postBody({ items: [{ item: 'ibuprofen-200', qty: 100 }] }))).toEqual({
      ok: false,
      reason: 'quantity-refused',
    });
    expect(await session.info.join('', undefined)).toEqual({ ok: false, reason: 'blank-name' });
    expect(await session.info.join('   ', undefined)).toEqual({ ok: false, reason: 'blank-name' });
  });

  it('lets only the founder change the square’s settings', async () => {
    const device = new TestDeviceStorage();
    const clock = new FakeClock(T0);
    await foundSquare(inMemoryServices(clock, device));
    const other = new AppState(inMemoryServices(clock, device.anotherResident()));
    await other.followLocation();
    expect(other.session!.info.isFounder).toBe(false);
    expect(await other.session!.info.setRetention(7)).toEqual({ ok: false, reason: 'not-founder' });
  });

  it('answers "opening" before the board is there, and "failed" when the vault breaks', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const invite = parseInvite('#r=AAAAAAAAAAAAAAAAAAAAAA&k=BBBBBBBBBBBBBBBBBBBBBB&f=' + founder.author)!;
    const session = new SquareSession(invite, founder, services);
    expect(await session.feed.publishPost(postBody())).toEqual({ ok: false, reason: 'opening' });
    await session.open();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(globalThis.crypto.subtle, 'sign').mockRejectedValueOnce(new Error('key gone'));
    expect(await session.feed.publishPost(postBody())).toEqual({ ok: false, reason: 'failed' });
    vi.restoreAllMocks();
  });
});

describe('retention', () => {
  it('compacts the stored document whenever retention drops posts, from one place', async () => {
    const services = inMemoryServices(new FakeClock(T0));
    const { session } = await foundSquare(services);
    await session.feed.publishPost(postBody({ note: 'old' }));
    await settle(session);
    services.clock.advance(REFRESH_MS);
    const [post] = session.feed.posts;
    await session.feed.updatePost(post!.id, 'resolve');
    await settle(session);
    const compact = vi.spyOn(services.opened[0]!.persistence, 'compact');
    services.clock.advance(31 * 24 * HOUR);
    await settle(session);
    expect(compact).toHaveBeenCalled();
    session.feed.setQuery({ showClosed: true });
    expect(session.feed.posts).toEqual([]);
    expect(session.feed.postCount).toBe(0);
  });
});
