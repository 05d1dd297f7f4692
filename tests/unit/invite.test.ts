import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boundRoom, isBoundInvite, newRoomNonce } from '../../src/lib/crypto/room-binding.ts';
import type { AuthorKey, RoomId, RoomNonce } from '../../src/lib/domain/ids.ts';
import {
  inviteFragment,
  inviteRefusal,
  inviteUrl,
  judgeInvite,
  MAX_EXTRA_SIGNALING,
  parseInvite,
  roomBindingText,
  withSignaling,
  type Invite,
} from '../../src/lib/domain/invite.ts';
import { identity } from './fixtures.ts';

const founder = `ed25519:${'F'.repeat(43)}` as AuthorKey;
const attacker = `ed25519:${'M'.repeat(43)}` as AuthorKey;
const nonce = 'N'.repeat(22) as RoomNonce;

async function boundInvite(key: AuthorKey = founder, n: RoomNonce = nonce): Promise<Invite> {
  return { room: await boundRoom(key, n), secret: 'S'.repeat(22), founder: key, nonce: n };
}

describe('the room binding', () => {
  it('is the first 128 bits of SHA-256 over the tagged founder and nonce, in base64url', async () => {
    expect(roomBindingText(founder, nonce)).toBe(`kaifong-room-v1\n${founder}\n${nonce}`);
    const expected = createHash('sha256')
      .update(`kaifong-room-v1\n${founder}\n${nonce}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(await boundRoom(founder, nonce)).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('gives another room for another founder or another nonce', async () => {
    const rooms = new Set(
      await Promise.all([boundRoom(founder, nonce), boundRoom(attacker, nonce), boundRoom(founder, newRoomNonce())]),
    );
    expect(rooms.size).toBe(3);
  });

  it('holds for the invite it made, and for no invite with its founder, nonce or room changed', async () => {
    const invite = await boundInvite();
    expect(await isBoundInvite(invite)).toBe(true);
    const real = await identity(7);
    expect(await isBoundInvite(await boundInvite(real.author))).toBe(true);
    for (const changed of [
      { ...invite, founder: attacker },
      { ...invite, founder: real.author },
      { ...invite, nonce: 'O'.repeat(22) as RoomNonce },
      { ...invite, room: 'R'.repeat(22) as RoomId },
      { room: invite.room, secret: invite.secret, founder: invite.founder },
    ]) {
      expect(await isBoundInvite(changed)).toBe(false);
    }
  });
});

describe('invite links', () => {
  it('carry the nonce as n= and read back to the same invite', async () => {
    const invite = await boundInvite();
    expect(inviteFragment(invite)).toBe(`r=${invite.room}&k=${invite.secret}&f=${founder}&n=${nonce}`);
    expect(parseInvite(inviteUrl('https://kaifong.example/?x=1#old', invite))).toEqual(invite);
    expect(parseInvite(` #${inviteFragment(invite)} `)).toEqual(invite);
  });

  it('still read an old link without n=, and never throw on junk', () => {
    const old = `r=${'A'.repeat(22)}&k=${'B'.repeat(22)}&f=${founder}`;
    expect(parseInvite(old)).toEqual({ room: 'A'.repeat(22), secret: 'B'.repeat(22), founder });
    expect(inviteFragment(parseInvite(old)!)).toBe(old);
    for (const junk of [`${old}&n=short`, '#r=nope', '', '#', 'https://example.org/']) {
      expect(parseInvite(junk)).toBeNull();
    }
    // An undecodable part is skipped: without its nonce the link is judged as an old one.
    expect(parseInvite(`${old}&n=%E0%A4%A`)?.nonce).toBeUndefined();
  });

  it('are found inside the chat message they were pasted with', async () => {
    const invite = await boundInvite();
    const url = inviteUrl('https://kaifong.example/', invite);
    for (const message of [
      `Join here: ${url} thanks!`,
      `Join here:\n${url}\nsee you`,
      `(${url})`,
      `大家加入：${url}。`,
      `Link: ${url}, bring masks`,
    ]) {
      expect(parseInvite(message), message).toEqual(invite);
    }
    expect(inviteRefusal('Join here: https://kaifong.example/ thanks!')).toBe('not-invite');
  });

  it('say a link cut short or with a character changed is damaged, and anything else is not an invite', async () => {
    const invite = await boundInvite();
    const url = inviteUrl('https://kaifong.example/', invite);
    for (const damaged of [url.slice(0, -5), url.slice(0, url.indexOf('&f=') + 6), url.replace('k=S', 'k=*')]) {
      expect(parseInvite(damaged), damaged).toBeNull();
      expect(inviteRefusal(damaged), damaged).toBe('invite-damaged');
    }
    for (const other of ['#r=nope', 'hello', 'https://example.org/', ''])
      expect(inviteRefusal(other)).toBe('not-invite');
  });
});

describe('signalling servers in a link', () => {
  const extra = ['wss://signal.example.org/signal', 'ws://192.168.1.20:8080/signal'];

  it('ride as s= after the bound part, escaped, and read back in order', async () => {
    const invite = withSignaling(await boundInvite(), extra);
    const fragment = inviteFragment(invite);
    expect(fragment).toBe(
      `r=${invite.room}&k=${invite.secret}&f=${founder}&n=${nonce}` +
        `&s=wss%3A%2F%2Fsignal.example.org%2Fsignal&s=ws%3A%2F%2F192.168.1.20%3A8080%2Fsignal`,
    );
    expect(parseInvite(`https://kaifong.example/#${fragment}`)).toEqual({ ...invite, signaling: extra });
  });

  it('do not touch the binding: the link still holds for its founder, and a swapped founder is still refused', async () => {
    const invite = withSignaling(await boundInvite(), extra);
    const read = parseInvite(inviteFragment(invite))!;
    expect(await isBoundInvite(read)).toBe(true);
    expect(judgeInvite(read, await isBoundInvite(read), [])).toEqual({ ok: true, invite: read });
    const swapped = parseInvite(inviteFragment({ ...invite, founder: attacker }))!;
    expect(await isBoundInvite(swapped)).toBe(false);
    expect(judgeInvite(swapped, false, [])).toEqual({ ok: false, reason: 'invite-altered' });
  });

  it('skip what is not a ws(s) URL, repeats, and any past the limit, without refusing the link', async () => {
    const invite = await boundInvite();
    const junk = ['https://example.org/', 'javascript:alert(1)', 'wss://a b', `wss://${'x'.repeat(300)}`, extra[0]!];
    const many = Array.from({ length: MAX_EXTRA_SIGNALING + 2 }, (_, i) => `wss://s${i}.example.org/signal`);
    const fragment = [inviteFragment(invite), ...[...junk, ...extra, ...many].map((u) => `s=${encodeURIComponent(u)}`)];
    const read = parseInvite(fragment.join('&'));
    expect(read?.signaling).toEqual([...extra, ...many].slice(0, MAX_EXTRA_SIGNALING));
    expect(read && (await isBoundInvite(read))).toBe(true);
    expect(parseInvite(inviteFragment(invite))).not.toHaveProperty('signaling');
  });
});

describe('judging an invite', () => {
  const old: Invite = { room: 'A'.repeat(22) as RoomId, secret: 'B'.repeat(22), founder };

  it('opens a bound link, and refuses one with a nonce that does not bind', async () => {
    const invite = await boundInvite();
    expect(judgeInvite(invite, true, [])).toEqual({ ok: true, invite });
    expect(judgeInvite({ ...invite, founder: attacker }, false, [invite])).toEqual({
      ok: false,
      reason: 'invite-altered',
    });
  });

  it('opens a link without a nonce only as a square this device joined, exactly as joined', async () => {
    expect(judgeInvite(old, false, [])).toEqual({ ok: false, reason: 'invite-unbound' });
    expect(judgeInvite(old, false, [old])).toEqual({ ok: true, invite: old });
    expect(judgeInvite({ ...old, founder: attacker }, false, [old])).toEqual({ ok: false, reason: 'invite-altered' });
    expect(judgeInvite({ ...old, secret: 'C'.repeat(22) }, false, [old])).toEqual({
      ok: false,
      reason: 'invite-altered',
    });
    // A bound link with its n= cut off opens as the device remembers it, nonce and all.
    const bound = await boundInvite();
    const { nonce: _cut, ...stripped } = bound;
    expect(judgeInvite(stripped, false, [bound])).toEqual({ ok: true, invite: bound });
  });
});
