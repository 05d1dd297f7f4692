/**
 * Issue 10, a leaked link: following a move on a device. The device that signed the move waits
 * for "Go to the new square"; a device holding the founder's keys (restored from a backup)
 * follows on its own; a device whose key the new link was not sealed to stays, told it moved.
 * Each carries every record, signs with the same key, and lists only the square it is in.
 */
import { describe, expect, it, vi } from 'vitest';
import { inviteFragment, type Invite } from '../../../src/lib/domain/invite.ts';
import { emptyDraft } from '../../../src/lib/domain/post-draft.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import type { SquareSession } from '../../../src/lib/state/square.svelte.ts';
import { inMemoryServices, TestDeviceStorage } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { readCopy } from '../../../src/lib/domain/square-copy.ts';
import { T0 } from '../fixtures.ts';

const rooms = (app: AppState) => app.squares.map((s) => s.invite.room);

/** The ids of every record a session holds, as its copy on a file carries them. */
async function recordIds(session: SquareSession): Promise<string[]> {
  const read = readCopy((await session.saveCopy(false)).text);
  if (!read.ok) throw new Error('the square could not be read back');
  return read.copy.records.map((r) => r.id).sort();
}

/** Waits until the app has followed the move into `next` and dropped the old square from its list. */
async function followed(app: AppState, old: Invite, next: Invite): Promise<SquareSession> {
  await vi.waitFor(() => expect(rooms(app)).toEqual([next.room]));
  expect(rooms(app)).not.toContain(old.room);
  const session = app.session!;
  expect(session.invite).toEqual(next);
  expect(session.phase).toBe('ready');
  return session;
}

describe('following a move of the square to a new link', () => {
  it('the founder moves; this device goes with one tap, with every record and the same key', async () => {
    const device = new TestDeviceStorage();
    const app = new AppState(inMemoryServices(new FakeClock(T0), device));
    expect(await app.createSquare('Tai Hang', 'Ah Mei')).toEqual({ ok: true });
    const old = app.session!;
    const move = await old.moves();
    expect(await move.moveToNewLink()).toEqual({ ok: true });
    expect(await move.moveToNewLink()).toEqual({ ok: false, reason: 'already-moved' });
    const status = move.status;
    if (!status.moved || !status.next) throw new Error('the founder could not open their own move');
    expect(status.signedHere).toBe(true);
    const next = status.next;
    expect(next.founder).toBe(old.invite.founder);
    expect(next.room).not.toBe(old.invite.room);
    expect(next.secret).not.toBe(old.invite.secret);
    // Nothing moves before the tap: the old room stays open, for neighbours still arriving.
    expect(app.session).toBe(old);

    // A post being written meanwhile goes along.
    const draft = { ...emptyDraft(), note: 'half-written: spare masks for' };
    (await old.drafts()).keep(draft);

    move.go();
    const here = await followed(app, old.invite, next);
    expect((await here.drafts()).load()).toEqual(draft);
    expect((await old.drafts()).load()).toBeNull();
    expect(here.me).toBe(old.me);
    await vi.waitFor(() => expect(here.info.squareName).toBe('Tai Hang'));
    expect(here.info.joined).toBe(true);
    expect(here.info.isFounder).toBe(true);
    expect((await here.moves()).status).toEqual({ moved: false });
    expect(here.arrivedByMove).toBe(true);
    // Every record came along, the move among them (it names the old room, not this one).
    expect(await recordIds(here)).toEqual(await recordIds(old));
    expect(device.hash).toBe(`#${inviteFragment(next)}`);
  });

  it("the founder's restored device follows on its own; a neighbour's it was not sealed to stays", async () => {
    const founderDevice = new TestDeviceStorage();
    const founderApp = new AppState(inMemoryServices(new FakeClock(T0), founderDevice));
    await founderApp.createSquare('Tai Hang', 'Ah Mei');
    const old = founderApp.session!;
    const move = await old.moves();
    expect(await move.moveToNewLink()).toEqual({ ok: true });
    const status = move.status;
    if (!status.moved || !status.next) throw new Error('the founder could not open their own move');
    const oldLink = `#${inviteFragment(old.invite)}`;

    // A neighbour's device holding the same records, with keys of its own: told, not moved.
    const neighbour = founderDevice.anotherResident();
    neighbour.hash = oldLink;
    const neighbourApp = new AppState(inMemoryServices(new FakeClock(T0), neighbour));
    await neighbourApp.followLocation();
    const left = neighbourApp.session!;
    await vi.waitFor(() => expect(left.move?.status).toEqual({ moved: true, next: null, signedHere: false }));
    expect(neighbourApp.session?.invite).toEqual(old.invite);
    expect(neighbour.hash).toBe(oldLink);

    // The founder's other device, keys restored from a backup: follows at once, with the records.
    const restored = founderDevice.anotherResident();
    for (const kept of await founderDevice.keys.all()) {
      await restored.keys.restore(kept.room, kept.identity, kept.sealing);
    }
    restored.hash = oldLink;
    const restoredApp = new AppState(inMemoryServices(new FakeClock(T0), restored));
    await restoredApp.followLocation();
    const here = await followed(restoredApp, old.invite, status.next);
    expect(here.me).toBe(old.me);
    await vi.waitFor(() => expect(here.info.joined).toBe(true));
    expect(here.info.squareName).toBe('Tai Hang');
    expect(await recordIds(here)).toEqual(await recordIds(old));
  });
});
