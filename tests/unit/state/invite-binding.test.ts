/**
 * Issue 9, attack 3: a forged founder in the link. The founder's key is the root of trust for the
 * square's name and retention, so a link whose `f=` names another key must open nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RoomId } from '../../../src/lib/domain/ids.ts';
import { inviteFragment, parseInvite, type Invite } from '../../../src/lib/domain/invite.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import { rememberSquare } from '../../../src/lib/storage/squares.ts';
import { inMemoryServices, TestDeviceStorage } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { T0 } from '../fixtures.ts';

/** Founds a square on a device of its own and returns its link's fragment. */
async function foundOnOwnDevice(name: string): Promise<Invite> {
  const services = inMemoryServices(new FakeClock(T0));
  const app = new AppState(services);
  expect(await app.createSquare(name, 'Founder')).toEqual({ ok: true });
  return app.session!.invite;
}

/** The link with its founder key swapped, as an attacker would pass it on. */
function withFounder(invite: Invite, founder: Invite['founder']): string {
  return `#${inviteFragment({ ...invite, founder })}`;
}

describe('an invite link is bound to its founder', () => {
  it('refuses a link whose f= was swapped for another valid key, before anything is opened', async () => {
    const real = await foundOnOwnDevice('Tai Hang Court');
    const attackers = await foundOnOwnDevice('Mallory’s Square');
    const altered = withFounder(real, attackers.founder);
    expect(parseInvite(altered)).not.toBeNull(); // well formed: only the binding gives it away

    // Opened from the URL (a tapped link): refused, no session, nothing of the room touched.
    const device = new TestDeviceStorage();
    device.hash = altered;
    const services = inMemoryServices(new FakeClock(T0), device);
    const keys = vi.spyOn(device.keys, 'identityFor');
    const app = new AppState(services);
    await app.followLocation();
    expect(app.refusal).toBe('invite-altered');
    expect(app.session).toBeNull();
    expect(services.opened).toEqual([]);
    expect(keys).not.toHaveBeenCalled();
    expect(app.squares).toEqual([]);

    // Pasted into "Paste an invite link": refused with the same code, the page stays put.
    device.hash = '';
    await app.followLocation();
    expect(app.refusal).toBeNull();
    expect(await app.join(`https://kaifong.example/${altered}`)).toEqual({ ok: false, reason: 'invite-altered' });
    expect(device.hash).toBe('');
    expect(services.opened).toEqual([]);

    // The genuine link opens.
    expect(await app.join(`#${inviteFragment(real)}`)).toEqual({ ok: true });
    await app.followLocation();
    expect(app.session?.invite).toEqual(real);
    expect(app.refusal).toBeNull();
  });

  it('refuses a link whose room or nonce was changed', async () => {
    const real = await foundOnOwnDevice('Tai Hang Court');
    const other = await foundOnOwnDevice('Lok Fu Estate');
    const app = new AppState(inMemoryServices(new FakeClock(T0)));
    for (const changed of [
      { ...real, room: other.room },
      { ...real, nonce: other.nonce },
      { ...other, room: real.room },
    ]) {
      expect(await app.join(inviteFragment(changed))).toEqual({ ok: false, reason: 'invite-altered' });
    }
  });

  it('opens an old link without the binding only for a square this device joined, exactly as joined', async () => {
    const [founder, attacker] = await Promise.all([foundOnOwnDevice('Old Court'), foundOnOwnDevice('Mallory’s')]);
    // A link made before the binding: a random room, no nonce.
    const old: Invite = { room: 'A'.repeat(22) as RoomId, secret: 'B'.repeat(22), founder: founder.founder };
    const device = new TestDeviceStorage();
    const services = inMemoryServices(new FakeClock(T0), device);
    rememberSquare(services.storage, old, 'Old Court', T0);
    const app = new AppState(services);

    expect(await app.join(inviteFragment({ ...old, room: 'C'.repeat(22) as RoomId }))).toEqual({
      ok: false,
      reason: 'invite-unbound',
    });
    // The joined room with its founder or secret swapped: refused although the room is known.
    for (const changed of [
      { ...old, founder: attacker.founder },
      { ...old, secret: 'D'.repeat(22) },
    ]) {
      expect(await app.join(inviteFragment(changed))).toEqual({ ok: false, reason: 'invite-altered' });
    }

    device.hash = `#${inviteFragment(old)}`;
    await app.followLocation();
    expect(app.refusal).toBeNull();
    expect(app.session?.invite).toEqual(old);
  });

  it('says "not an invite" for a URL fragment that is not one', async () => {
    const device = new TestDeviceStorage();
    device.hash = '#r=nope';
    const app = new AppState(inMemoryServices(new FakeClock(T0), device));
    await app.followLocation();
    expect(app.refusal).toBe('not-invite');
    expect(app.session).toBeNull();
  });
});

describe('while a link is being opened', () => {
  it('no landing page is due: `opening` holds from the start until the square is open, or the link refused', async () => {
    const real = await foundOnOwnDevice('Tai Hang Court');
    const device = new TestDeviceStorage();
    device.hash = `#${inviteFragment(real)}`;
    const app = new AppState(inMemoryServices(new FakeClock(T0), device));
    expect(app.opening).toBe(true);
    const following = app.followLocation();
    expect(app.opening).toBe(true);
    await following;
    expect(app.opening).toBe(false);
    expect(app.session?.invite.room).toBe(real.room);

    const attackers = await foundOnOwnDevice('Mallory’s Square');
    device.hash = withFounder(real, attackers.founder).replace(real.room, attackers.room);
    const refusing = app.followLocation();
    expect(app.opening).toBe(true);
    await refusing;
    expect(app.opening).toBe(false);
    expect(app.session).toBeNull();

    device.hash = '';
    expect(new AppState(inMemoryServices(new FakeClock(T0), device)).opening).toBe(false);
  });
});
