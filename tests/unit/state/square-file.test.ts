/**
 * The square on a file, as the UI drives it: save a copy in one square, open it on a device that
 * never met the author, from the square or from the start page, and the files that are refused.
 */
import { describe, expect, it } from 'vitest';
import { inviteFragment } from '../../../src/lib/domain/invite.ts';
import { AppState } from '../../../src/lib/state/app.svelte.ts';
import { REFRESH_MS } from '../../../src/lib/state/refresh-throttle.ts';
import type { SquareSession } from '../../../src/lib/state/square.svelte.ts';
import { inMemoryServices, type TestAppServices } from '../../support/app-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { postBody, T0 } from '../fixtures.ts';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** A founds a square and publishes two posts; returns A's session and its invite fragment. */
async function founderWithPosts(): Promise<{ a: SquareSession; fragment: string }> {
  const services = inMemoryServices(new FakeClock(T0));
  const app = new AppState(services);
  expect(await app.createSquare('Tai Hang Court', 'Ah Ming')).toEqual({ ok: true });
  const a = app.session!;
  expect(await a.feed.publishPost(postBody({ note: 'fever, child' }))).toEqual({ ok: true });
  expect(
    await a.feed.publishPost(postBody({ type: 'offer', items: [{ item: 'n95-mask', qty: 5 }], note: 'spare masks' })),
  ).toEqual({ ok: true });
  await settle();
  services.clock.advance(REFRESH_MS); // the list re-renders at most every REFRESH_MS

  return { a, fragment: inviteFragment(a.invite) };
}

/** A device of its own, on the start page. */
function newDevice(): { app: AppState; services: TestAppServices } {
  const services = inMemoryServices(new FakeClock(T0 + 60_000));
  return { app: new AppState(services), services };
}

const notes = (session: SquareSession) => session.feed.posts.map((p) => p.body.note).sort();

describe('saving a copy of the square', () => {
  it('writes every record and the room, and the key only when asked', async () => {
    const { a } = await founderWithPosts();
    const without = await a.saveCopy(false);
    const withKey = await a.saveCopy(true);
    expect(without.fileName).toBe('kaifong-square-tai-hang-court-2022-12-20.json');
    expect(without.text).toContain(a.invite.room);
    expect(without.text).not.toContain(a.invite.secret);
    expect(withKey.text).toContain(a.invite.secret);
    // square, profile and two posts
    expect((JSON.parse(without.text) as { records: unknown[] }).records).toHaveLength(4);
  });
});

describe('opening a copy in a square', () => {
  it('merges all posts into a member’s square who never met the author, and says how many were new', async () => {
    const { a, fragment } = await founderWithPosts();
    const { app, services } = newDevice();
    services.device.hash = `#${fragment}`;
    await app.followLocation();
    const d = app.session!;
    expect(d.feed.posts).toHaveLength(0);
    const outcome = await d.openCopy((await a.saveCopy(false)).text);
    await settle();
    expect(outcome).toEqual({ ok: true, posts: 2, records: 4 });
    expect(d.copyOutcome).toEqual(outcome);
    expect(notes(d)).toEqual(['fever, child', 'spare masks']);
    expect(d.info.squareName).toBe('Tai Hang Court');
  });

  it('refuses another square’s copy, a damaged one and one that is not Kaifong’s, changing nothing', async () => {
    const { a } = await founderWithPosts();
    const other = await founderWithPosts();
    const text = (await a.saveCopy(true)).text;
    expect(await other.a.openCopy(text)).toEqual({ ok: false, problem: 'other-square' });
    expect(await other.a.openCopy(text.slice(0, text.length - 30))).toEqual({ ok: false, problem: 'damaged' });
    expect(await other.a.openCopy('<html>not a square</html>')).toEqual({ ok: false, problem: 'not-kaifong' });
    expect(other.a.feed.postCount).toBe(2);
    expect(notes(other.a)).toEqual(['fever, child', 'spare masks']);
  });
});

describe('opening a copy from the start page', () => {
  it('joins the square when the copy includes the key, with every post', async () => {
    const { a } = await founderWithPosts();
    const { app, services } = newDevice();
    const outcome = await app.openCopy((await a.saveCopy(true)).text);
    expect(outcome).toEqual({ ok: true, posts: 2, records: 4 });
    expect(app.session?.invite).toEqual(a.invite);
    expect(services.device.hash).toBe(`#${inviteFragment(a.invite)}`);
    await settle();
    expect(notes(app.session!)).toEqual(['fever, child', 'spare masks']);
    expect(new AppState(services).squares.map((s) => s.invite.room)).toEqual([a.invite.room]);
  });

  it('opens nothing for a copy without the key of a square this device has not joined', async () => {
    const { a } = await founderWithPosts();
    const { app, services } = newDevice();
    expect(await app.openCopy((await a.saveCopy(false)).text)).toEqual({ ok: false, problem: 'no-key' });
    expect(app.session).toBeNull();
    expect(services.opened).toHaveLength(0);
  });

  it('opens the square this device joined for a copy without the key', async () => {
    const { a, fragment } = await founderWithPosts();
    const { app, services } = newDevice();
    services.device.hash = `#${fragment}`;
    await app.followLocation();
    app.leaveToLanding();
    await app.followLocation();
    expect(await app.openCopy((await a.saveCopy(false)).text)).toMatchObject({ ok: true, posts: 2 });
    expect(app.session?.invite.room).toBe(a.invite.room);
  });

  it('opens nothing for a forged, altered or damaged copy', async () => {
    const { a } = await founderWithPosts();
    const { app, services } = newDevice();
    const file = JSON.parse((await a.saveCopy(true)).text) as {
      square: { founder: string };
      records: { kind: string; body: { note?: string } }[];
    };
    const forged = structuredClone(file);
    forged.records.find((r) => r.kind === 'post')!.body.note = 'changed on the way';
    expect(await app.openCopy(JSON.stringify(forged))).toEqual({ ok: false, problem: 'forged' });
    const altered = structuredClone(file);
    altered.square.founder = `ed25519:${'M'.repeat(43)}`;
    expect(await app.openCopy(JSON.stringify(altered))).toEqual({ ok: false, problem: 'altered' });
    expect(await app.openCopy(JSON.stringify(file).slice(0, 200))).toEqual({ ok: false, problem: 'damaged' });
    expect(app.session).toBeNull();
    expect(services.opened).toHaveLength(0);
    expect(app.squares).toHaveLength(0);
  });
});
