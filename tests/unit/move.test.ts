/**
 * Issue 10, a leaked link: the founder moves the square to a new link. Only the founder's move
 * counts, on every device and whatever order records arrive in; the new link is sealed to vouched
 * members (and volunteers and the founder), so an unvouched member cannot open it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../src/lib/crypto/base64url.ts';
import { boundRoom, newRoomNonce } from '../../src/lib/crypto/room-binding.ts';
import { generateSealingKeys, openBox, seal, type SealingKeys } from '../../src/lib/crypto/seal.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import { inviteFragment, type Invite } from '../../src/lib/domain/invite.ts';
import { moveBinding, movedInvite, moveReaders } from '../../src/lib/domain/kinds/move.ts';
import { checkBody } from '../../src/lib/domain/kinds/parse.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { HOUR, identity, MINUTE, sign, T0 } from './fixtures.ts';

let founder: Identity;
let heir: Identity;
let vera: Identity;
let carol: Identity;
let dan: Identity;
let sealOf: Record<'founder' | 'vera' | 'carol' | 'dan', SealingKeys>;
let oldInvite: Invite;
let newInvite: Invite;

beforeAll(async () => {
  [founder, heir, vera, carol, dan] = await Promise.all([
    identity(1),
    identity(2),
    identity(3),
    identity(4),
    identity(5),
  ]);
  const [f, v, c, d] = await Promise.all([
    generateSealingKeys(),
    generateSealingKeys(),
    generateSealingKeys(),
    generateSealingKeys(),
  ]);
  sealOf = { founder: f, vera: v, carol: c, dan: d };
  const invite = async (): Promise<Invite> => {
    const nonce = newRoomNonce();
    return { room: await boundRoom(founder.author, nonce), secret: randomId(), founder: founder.author, nonce };
  };
  [oldInvite, newInvite] = await Promise.all([invite(), invite()]);
});

const profile = (who: Identity, name: string, keys: SealingKeys, ms = T0) =>
  sign(who, 'profile', { name, seal: keys.publicKey }, ms);

/** A move away from `from`, sealed to one reader (enough for the fold, which never opens it). */
async function move(who: Identity, from: RoomId, ms: number, to = newInvite): Promise<AnyRecord> {
  const box = await seal(inviteFragment(to), [sealOf.founder.publicKey], moveBinding(from, who.author));
  return sign(who, 'move', { from, box }, ms);
}

function fold(records: AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add(records);
  return f;
}

describe('who may move the square', () => {
  it("the founder's move says the old room has moved; a member's forged move is ignored", async () => {
    const forged = await move(carol, oldInvite.room, T0);
    const f = fold([forged]);
    expect(f.movedFrom(oldInvite.room)).toBeUndefined();
    expect(f.rejectedCount).toBe(1);
    const real = await move(founder, oldInvite.room, T0 + MINUTE);
    f.add([real]);
    expect(f.movedFrom(oldInvite.room)?.id).toBe(real.id);
  });

  it("a volunteer cannot move it; after a hand-over only the heir's move counts", async () => {
    const grant = await sign(founder, 'role', { action: 'grant-volunteer', member: vera.author }, T0);
    const byVolunteer = await move(vera, oldInvite.room, T0 + MINUTE);
    expect(fold([grant, byVolunteer]).movedFrom(oldInvite.room)).toBeUndefined();

    const handOver = await sign(founder, 'role', { action: 'hand-founder', member: heir.author }, T0 + HOUR);
    const byOldFounder = await move(founder, oldInvite.room, T0 + 2 * HOUR);
    const f = fold([grant, handOver, byOldFounder]);
    expect(f.movedFrom(oldInvite.room)).toBeUndefined();
    const byHeir = await move(heir, oldInvite.room, T0 + 3 * HOUR);
    f.add([byHeir]);
    expect(f.movedFrom(oldInvite.room)?.id).toBe(byHeir.id);
  });

  it('a move copied into the new room names the old one: the new room has not moved', async () => {
    const f = fold([await move(founder, oldInvite.room, T0)]);
    expect(f.movedFrom(oldInvite.room)).toBeDefined();
    expect(f.movedFrom(newInvite.room)).toBeUndefined();
  });

  it('two moves away from one room: the earliest counts, whatever order they arrive in', async () => {
    const first = await move(founder, oldInvite.room, T0);
    const second = await move(founder, oldInvite.room, T0 + MINUTE, oldInvite);
    const forged = await move(dan, oldInvite.room, T0 - HOUR);
    const records = [first, second, forged];
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: 3, maxLength: 3 }), (order) => {
        const f = new BoardFold(founder.author);
        for (const record of order) f.add([record]);
        expect(f.movedFrom(oldInvite.room)?.id).toBe(first.id);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses a body that is not a move: another shape of room, no readers', async () => {
    const box = await seal('x', [sealOf.founder.publicKey], 'aad');
    expect(checkBody('move', { from: 'not a room', box }).ok).toBe(false);
    expect(checkBody('move', { from: oldInvite.room, box: { ...box, k: [] } }).ok).toBe(false);
    expect(checkBody('move', { from: oldInvite.room, box }).ok).toBe(true);
  });
});

describe('the new link, sealed to who may follow', () => {
  it('a vouched member and a volunteer open it; an unvouched member cannot', async () => {
    const records = [
      await profile(founder, 'Ah Mei', sealOf.founder),
      await profile(vera, 'Vera', sealOf.vera),
      await profile(carol, 'Carol', sealOf.carol),
      await profile(dan, 'Dan', sealOf.dan),
      await sign(founder, 'role', { action: 'grant-volunteer', member: vera.author }, T0 + 1),
      await sign(vera, 'vouch', { member: carol.author }, T0 + 2),
    ];
    const f = fold(records);
    const readers = moveReaders(f.members(), f.authority, sealOf.founder.publicKey);
    expect(readers).toHaveLength(3);
    const aad = moveBinding(oldInvite.room, founder.author);
    const box = await seal(inviteFragment(newInvite), readers, aad);

    for (const keys of [sealOf.founder, sealOf.vera, sealOf.carol]) {
      const text = await openBox(box, keys, aad);
      expect(text).not.toBeNull();
      expect(movedInvite(text!, oldInvite)).toEqual(newInvite);
    }
    expect(await openBox(box, sealOf.dan, aad)).toBeNull();
    // Copied into a move away from another room, or under another author, it does not open.
    expect(await openBox(box, sealOf.carol, moveBinding(newInvite.room, founder.author))).toBeNull();
    expect(await openBox(box, sealOf.carol, moveBinding(oldInvite.room, carol.author))).toBeNull();
  });

  it('a blocked member is not a reader, even once vouched', async () => {
    const f = fold([
      await profile(dan, 'Dan', sealOf.dan),
      await sign(founder, 'vouch', { member: dan.author }, T0 + 1),
      await sign(founder, 'moderation', { action: 'block', member: dan.author, reason: 'abuse' }, T0 + 2),
    ]);
    expect(moveReaders(f.members(), f.authority, sealOf.founder.publicKey)).toEqual([sealOf.founder.publicKey]);
  });

  it('follows only a bound link of the same founder to another room', async () => {
    expect(movedInvite(inviteFragment(newInvite), oldInvite)).toEqual(newInvite);
    expect(movedInvite(inviteFragment(oldInvite), oldInvite)).toBeNull();
    expect(movedInvite(inviteFragment({ ...newInvite, founder: carol.author }), oldInvite)).toBeNull();
    const { nonce: _, ...unbound } = newInvite;
    expect(movedInvite(inviteFragment(unbound), oldInvite)).toBeNull();
    expect(movedInvite('not a link', oldInvite)).toBeNull();
  });
});
