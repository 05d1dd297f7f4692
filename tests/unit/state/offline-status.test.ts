/** Honest offline status: the last contact survives a reload, what waits to be shared, durable storage. */
import { describe, expect, it } from 'vitest';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import type { DeviceStorage } from '../../../src/lib/state/durability.svelte.ts';
import { inMemoryServices, TestDeviceStorage } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { postBody, T0 } from '../fixtures.ts';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function browserStorage(grant: boolean): DeviceStorage & { asked: number } {
  let persisted = false;
  const storage = {
    asked: 0,
    persisted: async () => persisted,
    persist: async () => {
      storage.asked++;
      persisted = grant;
      return grant;
    },
    estimate: async () => ({ usage: 1_200_000, quota: 1e9 }),
  };
  return storage;
}

describe('the last contact with neighbours', () => {
  it('survives a reload with no network: when, and with how many', async () => {
    const device = new TestDeviceStorage();
    const clock = new FakeClock(T0);
    const app = new AppState(inMemoryServices(clock, device));
    expect(await app.createSquare('Tai Hang Court', 'Ah Ming')).toEqual({ ok: true });
    expect(app.session!.connection.lastContact).toBeNull();
    await app.session!.close();

    const first = inMemoryServices(clock, device);
    const opened = new AppState(first);
    await opened.followLocation();
    // Two neighbours synced with us a minute in.
    first.opened[0]!.transport.report({ peers: 2, signalling: 'connected', lastSyncedMs: T0 + 60_000 });
    expect(opened.session!.connection.lastContact).toEqual({ atMs: T0 + 60_000, peers: 2 });
    // They leave: the contact keeps its count.
    first.opened[0]!.transport.report({ peers: 0, signalling: 'unreachable' });
    await opened.session!.close();

    const offline = new AppState(inMemoryServices(clock, device));
    await offline.followLocation();
    expect(offline.session!.connection.status.lastSyncedMs).toBeNull();
    expect(offline.session!.connection.lastContact).toEqual({ atMs: T0 + 60_000, peers: 2 });
  });

  it('counts what this resident wrote since the last contact as waiting to be shared', async () => {
    const clock = new FakeClock(T0);
    const services = inMemoryServices(clock);
    const app = new AppState(services);
    await app.createSquare('Tai Hang Court', 'Ah Ming');
    const session = app.session!;
    const transport = services.opened[0]!.transport;
    transport.report({ peers: 1, signalling: 'connected', lastSyncedMs: T0 });
    clock.advance(60_000);
    await session.feed.publishPost(postBody({ note: 'written offline' }));
    await settle();
    clock.advance(1_000);
    await settle();
    expect(session.connection.waiting).toBe(1);
    transport.report({ peers: 1, signalling: 'connected', lastSyncedMs: clock.now() });
    expect(session.connection.waiting).toBe(0);
  });
});

describe('durable storage', () => {
  it('is asked for once a resident has joined a square, and shows the outcome and the space used', async () => {
    for (const grant of [true, false]) {
      const storage = browserStorage(grant);
      const services = { ...inMemoryServices(new FakeClock(T0)), deviceStorage: storage };
      const app = new AppState(services);
      expect(storage.asked).toBe(0);
      await app.createSquare('Tai Hang Court', 'Ah Ming');
      expect(storage.asked).toBe(1);
      expect(app.durability.persisted).toBe(grant);
      expect(app.durability.usageBytes).toBe(1_200_000);
    }
  });

  it('is not asked for on the start page or in a square not joined yet', async () => {
    const storage = browserStorage(true);
    const app = new AppState({ ...inMemoryServices(new FakeClock(T0)), deviceStorage: storage });
    await app.followLocation();
    expect(storage.asked).toBe(0);
  });
});
