/**
 * A square's extra signalling servers: carried by its link, kept per square on this device,
 * changed in settings, and handed to the square's network when it opens.
 */
import { describe, expect, it } from 'vitest';
import { inviteFragment, withSignaling } from '../../../src/lib/domain/invite.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import { listSquares } from '../../../src/lib/storage/squares.ts';
import { inMemoryServices, TestDeviceStorage } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { T0 } from '../fixtures.ts';

const LOBBY = 'ws://192.168.1.20:8080/signal';
const CITY = 'wss://signal.example.org/signal';

async function founded() {
  const services = inMemoryServices(new FakeClock(T0));
  const app = new AppState(services);
  expect(await app.createSquare('Tai Hang Court', 'Founder')).toEqual({ ok: true });
  return { app, services, invite: app.session!.invite };
}

describe("a square's signalling servers", () => {
  it('are set in settings: the square reopens on them, keeps them, and its link carries them', async () => {
    const { app, services, invite } = await founded();
    expect(services.opened.at(-1)!.invite.signaling).toBeUndefined();

    expect(await app.setSignaling([LOBBY, CITY])).toEqual({ ok: true });
    expect(services.opened.at(-1)!.invite.signaling).toEqual([LOBBY, CITY]);
    expect(app.session?.invite).toEqual(withSignaling(invite, [LOBBY, CITY]));
    expect(services.device.hash).toBe(`#${inviteFragment(app.session!.invite)}`);
    expect(listSquares(services.storage)[0]!.invite.signaling).toEqual([LOBBY, CITY]);
    expect(app.session?.phase).toBe('ready');
    expect(app.session?.info.joined).toBe(true);

    // Removing one reopens on the other alone.
    expect(await app.setSignaling([CITY])).toEqual({ ok: true });
    expect(services.opened.at(-1)!.invite.signaling).toEqual([CITY]);
    expect(listSquares(services.storage)[0]!.invite.signaling).toEqual([CITY]);
    const opens = services.opened.length;

    // Neither a URL of another scheme nor the same list again reopens anything.
    expect(await app.setSignaling([CITY, 'https://example.org/'])).toEqual({ ok: false, reason: 'not-signaling-url' });
    expect(await app.setSignaling([CITY])).toEqual({ ok: true });
    expect(services.opened.length).toBe(opens);
  });

  it("come with a link, and add to those this device keeps, on a neighbour's device and after a reload", async () => {
    const { invite } = await founded();
    const device = new TestDeviceStorage();
    device.hash = `#${inviteFragment(withSignaling(invite, [LOBBY]))}`;
    const neighbour = inMemoryServices(new FakeClock(T0), device);
    const app = new AppState(neighbour);
    await app.followLocation();
    expect(neighbour.opened.at(-1)!.invite.signaling).toEqual([LOBBY]);

    // A link naming another server adds it; the one kept is not lost.
    device.hash = `#${inviteFragment(withSignaling(invite, [CITY]))}`;
    await app.followLocation();
    expect(neighbour.opened.at(-1)!.invite.signaling).toEqual([LOBBY, CITY]);

    // Reloaded from the bare link (no s=): the square opens on the servers it keeps.
    device.hash = `#${inviteFragment(invite)}`;
    const reloaded = inMemoryServices(new FakeClock(T0), device);
    await new AppState(reloaded).followLocation();
    expect(reloaded.opened.at(-1)!.invite.signaling).toEqual([LOBBY, CITY]);
  });
});
