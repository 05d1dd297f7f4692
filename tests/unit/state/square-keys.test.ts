/**
 * Issue 9, attack 11: linkable squares. A device signs with one key per square, so the members of
 * two squares cannot tell that the same resident is in both.
 */
import { describe, expect, it } from 'vitest';
import { RECORDS_KEY } from '../../../src/lib/board/schema.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import type { SquareSession } from '../../../src/lib/state/square.svelte.ts';
import { inMemoryServices, TestDeviceStorage, type TestAppServices } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { T0 } from '../fixtures.ts';

/** Opens the square whose link is `hash` and returns its session, once ready. */
async function open(app: AppState, services: TestAppServices, hash: string): Promise<SquareSession> {
  services.location.hash = hash;
  await app.followLocation();
  expect(app.session?.phase).toBe('ready');
  return app.session!;
}

/** The authors of every record in the last opened square's shared document. */
function authorsInDoc(services: TestAppServices): Set<string> {
  const records = services.opened.at(-1)!.doc.getMap<string>(RECORDS_KEY);
  return new Set([...records.values()].map((text) => (JSON.parse(text) as { author: string }).author));
}

describe('one signing key per square', () => {
  it('signs with another key in each square it joins, and with the same one after a reload', async () => {
    const clock = new FakeClock(T0);
    const elsewhere = inMemoryServices(clock);
    const lokFu = new AppState(elsewhere);
    expect(await lokFu.createSquare('Lok Fu Estate', 'Mr Chan')).toEqual({ ok: true });
    const lokFuLink = elsewhere.device.hash;
    const lokFuFounder = lokFu.session!.me;

    // One device founds Tai Hang Court, then joins Lok Fu Estate.
    const device = new TestDeviceStorage();
    const services = inMemoryServices(clock, device);
    const app = new AppState(services);
    expect(await app.createSquare('Tai Hang Court', 'Ah Ming')).toEqual({ ok: true });
    const taiHangLink = device.hash;
    const inTaiHang = app.session!.me;
    expect(app.session!.invite.founder).toBe(inTaiHang); // the link names this square's key
    expect(authorsInDoc(services)).toEqual(new Set([inTaiHang]));

    const joined = await open(app, services, lokFuLink);
    expect(await joined.info.join('Ah Ming')).toEqual({ ok: true });
    const inLokFu = joined.me;
    expect(new Set([inTaiHang, inLokFu, lokFuFounder]).size).toBe(3);
    expect(authorsInDoc(services)).toEqual(new Set([inLokFu]));
    expect(joined.info.isFounder).toBe(false);

    // A reload (a new app on the same device) signs with the same key in each square.
    const reloadedServices = inMemoryServices(clock, device);
    const reloaded = new AppState(reloadedServices);
    const taiHang = await open(reloaded, reloadedServices, taiHangLink);
    expect(taiHang.me).toBe(inTaiHang);
    expect(taiHang.info.isFounder).toBe(true);
    expect(taiHang.info.nameOf(inTaiHang)).toBe('Ah Ming');
    const lokFuAgain = await open(reloaded, reloadedServices, lokFuLink);
    expect(lokFuAgain.me).toBe(inLokFu);
    expect(lokFuAgain.info.nameOf(inLokFu)).toBe('Ah Ming');
    expect(lokFuAgain.info.nameOf(inTaiHang)).toBeUndefined();
  });
});
