/** Private conversations between residents' devices, driven as the Messages dialog does. */
import { describe, expect, it } from 'vitest';
import { docOf, resident, settle, sync, threeResidents } from '../../support/residents.ts';
import { postBody } from '../fixtures.ts';

const LINE = 'Flat 12B, Block 3. Call 9123 4567 when you are downstairs';
const REPLY = 'Thank you! I will come at 7pm';

/** Ah Ming, Siu Ling and Chan Tai, each on a device of their own, having met. */
async function square(): ReturnType<typeof threeResidents> {
  const residents = await threeResidents();
  await sync(residents.a, residents.b, residents.c);
  return residents;
}

describe('a private conversation about a post', () => {
  it('reaches the post’s author sealed, counts unread, is read and answered, and stays after a reload', async () => {
    const { clock, a, b, c, deviceA } = await square();
    expect(await a.session.feed.publishPost(postBody({ note: 'children’s ibuprofen please' }))).toEqual({ ok: true });
    await sync(a, b, c);
    const post = b.session.feed.posts[0]!;

    b.messages.start(post, 'I can help');
    expect(b.messages.current?.other).toBe(a.session.me);
    expect(b.messages.draft).toBe('I can help');
    expect(await b.messages.send(b.messages.openKey!, LINE)).toEqual({ ok: true });
    await settle(b);
    expect(b.messages.current?.lines.map((l) => [l.text, l.mine, l.delivered])).toEqual([[LINE, true, false]]);
    b.messages.hide();

    await sync(a, b, c);
    expect(a.messages.unread).toBe(1);
    const [conversation] = a.messages.conversations;
    expect(conversation?.other).toBe(b.session.me);
    expect(conversation?.lines.map((l) => l.text)).toEqual([LINE]);
    // A's device acknowledged it with a sealed receipt: B sees "delivered".
    await sync(a, b, c);
    expect(b.messages.conversations[0]?.lines.map((l) => l.delivered)).toEqual([true]);

    a.messages.open(conversation!.key);
    expect(a.messages.unread).toBe(0);
    expect(await a.messages.send(conversation!.key, REPLY)).toEqual({ ok: true });
    await sync(a, b, c);
    expect(b.messages.unread).toBe(1);
    expect(b.messages.conversations[0]?.lines.map((l) => l.text)).toEqual([LINE, REPLY]);

    // C holds every record, and reads none of it.
    expect(c.messages.conversations).toEqual([]);
    expect(c.messages.unread).toBe(0);
    const shared = JSON.stringify(docOf(c).getMap('records').toJSON());
    expect(shared).toContain('\\"kind\\":\\"message\\"');
    for (const secret of ['9123', '12B', 'Thank you']) expect(shared).not.toContain(secret);

    // A reloads: the conversation is there, read on this device.
    await a.session.close();
    const again = await resident(clock, deviceA);
    await settle(again);
    expect(again.messages.unread).toBe(0);
    expect(again.messages.conversations[0]?.lines.map((l) => l.text)).toEqual([LINE, REPLY]);
  });

  it('refuses an empty or too long line, and a resident who cannot receive messages yet', async () => {
    const { a, b } = await square();
    expect(await a.session.feed.publishPost(postBody())).toEqual({ ok: true });
    await sync(a, b);
    const post = b.session.feed.posts[0]!;
    b.messages.start(post);
    const key = b.messages.openKey!;
    expect(await b.messages.send(key, '   ')).toEqual({ ok: false, reason: 'required' });
    expect(await b.messages.send(key, '藥'.repeat(1001))).toEqual({ ok: false, reason: 'too-long' });
    expect(await b.messages.send(key, '藥'.repeat(1000))).toEqual({ ok: true });
    b.messages.open(`${post.id} ${'ed25519:' + 'A'.repeat(43)}`);
    expect(b.messages.canReach(b.messages.current!.other)).toBe(false);
    expect(await b.messages.send(b.messages.openKey!, 'hello')).toEqual({
      ok: false,
      reason: 'cannot-receive',
    });
  });
});
