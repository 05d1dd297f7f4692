/**
 * A resident's own things, as state/ offers them: leaving a square, landing in the last one,
 * "not shared yet", the warning before an urgent post expires, the first-run explanation.
 */
import { describe, expect, it } from 'vitest';
import { EXPIRY_MS } from '../../../src/lib/domain/expiry.ts';
import { inviteFragment } from '../../../src/lib/domain/invite.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import { FirstRun } from '../../../src/lib/state/first-run.svelte.ts';
import type { SquareSession } from '../../../src/lib/state/square.svelte.ts';
import { inMemoryServices, TestDeviceStorage, type TestAppServices } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { HOUR, postBody, T0 } from '../fixtures.ts';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

async function found(
  services: TestAppServices,
  name = 'Tai Hang Court',
): Promise<{ app: AppState; session: SquareSession }> {
  const app = new AppState(services);
  expect(await app.createSquare(name, 'Ah Ming', 'Block 3')).toEqual({ ok: true });
  return { app, session: app.session! };
}

describe('leaving a square', () => {
  it('takes it off "Your squares" and deletes what this device kept of it, leaving other squares be', async () => {
    const clock = new FakeClock(T0);
    const services = inMemoryServices(clock);
    const { app: first } = await found(services, 'Lok Fu Estate');
    const stay = first.session!.invite;
    const { app, session } = await found(services);
    const room = session.invite.room;
    const identity = (await services.keys.identityFor(room)).author;
    await session.feed.publishPost(postBody({ note: 'two tablets please' }));
    services.storage.setItem(`kaifong.draft.${room}`, '{"note":"half written"}');
    services.storage.setItem(`kaifong.contact.${room}`, '{"atMs":1,"peers":1}');
    await settle();
    expect(services.device.vaults.has(room)).toBe(true);

    await app.leaveSquare();
    expect(app.session).toBeNull();
    expect(app.left).toBe('Tai Hang Court');
    expect(app.squares.map((s) => s.invite.room)).toEqual([stay.room]);
    expect(services.device.hash).toBe('');
    expect(services.device.vaults.has(room)).toBe(false);
    expect(services.device.shelf.bytesOf(room)).toBe(0);
    for (const key of services.device.local.keys()) expect(key).not.toContain(room);
    expect((await services.keys.all()).map((k) => k.room)).not.toContain(room);
    expect((await services.keys.identityFor(room)).author).not.toBe(identity);
    expect((await services.keys.all()).map((k) => k.room)).toContain(stay.room);
  });
});

describe('a returning resident', () => {
  it('opening the bare address lands in the square they were in; after "All squares", on the list', async () => {
    const clock = new FakeClock(T0);
    const device = new TestDeviceStorage();
    const { app } = await found(inMemoryServices(clock, device), 'Lok Fu Estate');
    clock.advance(HOUR);
    const { app: second, session } = await found(inMemoryServices(clock, device));
    const last = session.invite;
    await app.session?.close();
    await second.session?.close();

    device.hash = '';
    const returning = new AppState(inMemoryServices(clock, device));
    await returning.resume();
    expect(device.hash).toBe(`#${inviteFragment(last)}`);
    expect(returning.session?.invite.room).toBe(last.room);

    returning.leaveToLanding();
    await returning.followLocation();
    expect(returning.session).toBeNull();
    const again = new AppState(inMemoryServices(clock, device));
    await again.resume();
    expect(again.session).toBeNull();
    expect(device.hash).toBe('');
  });

  it('lands on the landing page when this device has no square yet', async () => {
    const device = new TestDeviceStorage();
    const app = new AppState(inMemoryServices(new FakeClock(T0), device));
    await app.resume();
    expect(app.session).toBeNull();
    expect(device.hash).toBe('');
  });
});

describe('"not shared yet"', () => {
  it('marks my posts made while no neighbour was connected, until one is, or one syncs with me', async () => {
    const clock = new FakeClock(T0);
    const services = inMemoryServices(clock);
    const { session } = await found(services);
    const transport = services.opened.at(-1)!.transport;
    clock.advance(1_000);
    await session.feed.publishPost(postBody({ note: 'written alone' }));
    await settle();
    const [post] = session.feed.posts;
    expect(session.feed.isUnshared(post!)).toBe(true);
    // A neighbour connects: live changes go to them.
    transport.report({ peers: 1, signalling: 'connected' });
    expect(session.feed.isUnshared(post!)).toBe(false);
    // They leave; what was written while they were here stays shared.
    clock.advance(1_000);
    transport.report({ peers: 0, signalling: 'connected' });
    expect(session.feed.isUnshared(post!)).toBe(false);
    clock.advance(1_000);
    await session.feed.publishPost(
      postBody({ note: 'written after they left', items: [{ item: 'thermometer', qty: 1 }] }),
    );
    await settle();
    const later = session.feed.posts.find((p) => p.body.note === 'written after they left')!;
    expect(session.feed.isUnshared(later)).toBe(true);
    transport.report({ peers: 0, signalling: 'connected', lastSyncedMs: clock.now() + 1 });
    expect(session.feed.isUnshared(later)).toBe(false);
  });
});

describe('the warning before an urgent post expires', () => {
  it('tells the author of an urgent post in its last hours, not before and not once it has gone', async () => {
    const clock = new FakeClock(T0);
    const services = inMemoryServices(clock);
    const { session } = await found(services);
    await session.feed.publishPost(postBody({ urgency: 'urgent' }));
    await session.feed.publishPost(postBody({ urgency: 'soon', items: [{ item: 'thermometer', qty: 1 }] }));
    await settle();
    expect(session.feed.expiringSoon).toEqual([]);
    clock.advance(EXPIRY_MS.urgent - 2 * HOUR);
    session.now = clock.now();
    expect(session.feed.expiringSoon.map((p) => p.body.urgency)).toEqual(['urgent']);
    const [urgent] = session.feed.expiringSoon;
    expect(await session.feed.updatePost(urgent!.id, 'renew')).toMatchObject({ ok: true });
    await settle();
    expect(session.feed.expiringSoon).toEqual([]);
    clock.advance(EXPIRY_MS.urgent + HOUR);
    session.now = clock.now();
    expect(session.feed.expiringSoon).toEqual([]);
  });
});

describe('the first-run explanation', () => {
  it('shows until read or until the resident has joined a square, then only when asked for, across reloads', () => {
    const local = new Map<string, string>();
    const storage = {
      getItem: (k: string) => local.get(k) ?? null,
      setItem: (k: string, v: string) => void local.set(k, v),
    };
    const first = new FirstRun(storage);
    expect(first.open).toBe(true);
    first.dismiss();
    expect(first.open).toBe(false);
    expect(new FirstRun(storage).open).toBe(false);
    first.show();
    expect(first).toMatchObject({ open: true, again: true });
    first.joined();
    expect(first.open).toBe(true);

    const other = new Map<string, string>();
    const joining = new FirstRun({ getItem: (k) => other.get(k) ?? null, setItem: (k, v) => void other.set(k, v) });
    joining.joined();
    expect(joining.open).toBe(false);
    expect(other.size).toBe(1);
  });
});
