/** SquareTrust and the feed's trust filters, driven as the Members view and the post cards do. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../src/lib/crypto/signing.ts';
import { memberCodeOf } from '../../../src/lib/domain/member-code.ts';
import { arrive, founderSession, settle } from '../../support/founder-session.ts';
import { HOUR, identity, postBody, sign, signPost, T0 } from '../fixtures.ts';

let neighbour: Identity;

beforeAll(async () => {
  neighbour = await identity(52);
});

describe('the Members view', () => {
  it('lists everyone with a profile, with badges and first seen; the founder grants and removes roles', async () => {
    const { services, session } = await founderSession();
    await arrive(services, await sign(neighbour, 'profile', { name: 'Siu Ling', building: 'Block 5' }, T0 - HOUR));
    expect(session.trust.isFounder).toBe(true);
    expect(session.trust.members.map((m) => [m.name, m.building, m.badges, m.isMe])).toEqual([
      ['Siu Ling', 'Block 5', [], false],
      ['Ah Ming', 'Block 3', ['founder', 'verified'], true],
    ]);
    expect(session.trust.members[0]!.firstSeenMs).toBe(T0 - HOUR);

    expect(await session.trust.setVolunteer(neighbour.author, true)).toEqual({ ok: true });
    await settle(services);
    expect(session.trust.badgesOf(neighbour.author)).toEqual(['volunteer', 'verified']);
    expect(await session.trust.setVolunteer(neighbour.author, false)).toEqual({ ok: true });
    await settle(services);
    expect(session.trust.badgesOf(neighbour.author)).toEqual([]);
  });

  it('hands the founder role on: this device is no longer the founder', async () => {
    const { services, session } = await founderSession();
    expect(await session.trust.handFounder(neighbour.author)).toEqual({ ok: true });
    await settle(services);
    expect(session.trust.isFounder).toBe(false);
    expect(session.info.isFounder).toBe(false);
    expect(await session.trust.setVolunteer(neighbour.author, true)).toEqual({ ok: false, reason: 'not-founder' });
  });
});

describe('vouching and the verified filter', () => {
  it('vouches by a pasted code, refuses what is not a code, and filters to verified neighbours', async () => {
    const { services, session } = await founderSession();
    const theirs = await signPost(neighbour, postBody({ note: 'need a thermometer' }), T0 - HOUR);
    await arrive(services, theirs);
    session.feed.setVerifiedOnly(true);
    expect(session.feed.posts).toEqual([]);

    expect(await session.trust.vouchByCode('hello')).toEqual({ ok: false, reason: 'not-a-code' });
    const vouched = await session.trust.vouchByCode(`  ${memberCodeOf(neighbour.author)}\n`);
    expect(vouched).toEqual({ ok: true, member: neighbour.author });
    await settle(services);
    expect(session.trust.badgesOf(neighbour.author)).toEqual(['verified']);
    expect(session.feed.posts.map((p) => p.id)).toEqual([theirs.id]);
  });
});

describe('reports and moderation', () => {
  it('a reported post joins the queue; hiding takes it off the feed; undo brings it back', async () => {
    const { services, session } = await founderSession();
    const theirs = await signPost(neighbour, postBody({ note: 'selling masks' }), T0 - HOUR);
    const reporter = await identity(53);
    await arrive(services, theirs, await sign(reporter, 'report', { post: theirs.id, reason: 'resale' }, T0 - 1000));
    expect(session.trust.reviewQueue.map((i) => i.post.id)).toEqual([theirs.id]);

    expect(await session.trust.hide(theirs.id, 'resale')).toEqual({ ok: true });
    await settle(services);
    expect(session.feed.posts).toEqual([]);
    expect(session.trust.reviewQueue).toEqual([]);
    const [entry] = session.trust.moderationLog;
    expect(entry).toMatchObject({ valid: true, undone: false, record: { body: { action: 'hide' } } });

    expect(await session.trust.undo(entry!.record.id)).toEqual({ ok: true });
    await settle(services);
    expect(session.feed.posts.map((p) => p.id)).toEqual([theirs.id]);
    expect(session.trust.moderationLog.map((e) => [e.record.body.action, e.undone])).toEqual([
      ['undo', false],
      ['hide', true],
    ]);
  });

  it('blocks a key: its posts leave the feed; a volunteer cannot be blocked', async () => {
    const { services, session } = await founderSession();
    const theirs = await signPost(neighbour, postBody({ note: 'spam' }), T0 - HOUR);
    await arrive(services, theirs);
    expect(await session.trust.block(session.me, 'abuse')).toEqual({ ok: false, reason: 'cannot-block-volunteer' });
    expect(await session.trust.block(neighbour.author, 'abuse')).toEqual({ ok: true });
    await settle(services);
    expect(session.feed.posts).toEqual([]);
    expect(session.trust.badgesOf(neighbour.author)).toEqual(['blocked']);
  });
});
