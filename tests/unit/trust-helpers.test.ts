/** The small pure helpers of the trust features: residents' codes, badges and the note's contact hint. */
import { describe, expect, it } from 'vitest';
import { founderAuthority, trustAuthority } from '../../src/lib/domain/authority.ts';
import { badgesOf } from '../../src/lib/domain/badges.ts';
import { isoDateOfMs } from '../../src/lib/domain/calendar.ts';
import { contactHintOf } from '../../src/lib/domain/contact-check.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { memberCodeOf, parseMemberCode } from '../../src/lib/domain/member-code.ts';

const key = (c: string) => `ed25519:${c.repeat(43)}` as AuthorKey;

describe('a resident’s code', () => {
  it('round-trips, accepts the bare key and surrounding space, and refuses anything else', () => {
    expect(parseMemberCode(memberCodeOf(key('a')))).toBe(key('a'));
    expect(parseMemberCode(`\n ${key('b')} `)).toBe(key('b'));
    expect(parseMemberCode('kaifong-member:ed25519:short')).toBeNull();
    expect(parseMemberCode('https://example.com')).toBeNull();
  });
});

describe('badges', () => {
  it('marks the founder, volunteers and verified neighbours; a block hides every other badge', () => {
    const authority = trustAuthority({
      founder: key('f'),
      volunteers: new Set([key('v')]),
      vouched: new Set([key('n'), key('x')]),
      blocked: new Set([key('x')]),
      hidden: new Map(),
    });
    expect(badgesOf(authority, key('f'))).toEqual(['founder', 'verified']);
    expect(badgesOf(authority, key('v'))).toEqual(['volunteer', 'verified']);
    expect(badgesOf(authority, key('n'))).toEqual(['verified']);
    expect(badgesOf(authority, key('x'))).toEqual(['blocked']);
    expect(badgesOf(founderAuthority(key('f')), key('z'))).toEqual([]);
  });
});

describe('the contact hint in a note', () => {
  it.each([
    ['call 9123 4567', 'phone'],
    ['WhatsApp +852 9123-4567', 'phone'],
    ['see https://example.com/x', 'link'],
    ['www.example.hk', 'link'],
    ['order at shop.com', 'link'],
    ['come to Flat 12B', 'flat'],
    ['Rm. 1203, Block 2', 'flat'],
    ['12樓B室', 'flat'],
    ['3座 1205室', 'flat'],
    // A post's public place is its building: the floor is shared in a message too.
    ['Block 3, 12/F, flat C', 'flat'],
    ['on the 3rd floor', 'flat'],
    ['floor 12, by the lift', 'flat'],
    ['12樓', 'flat'],
    ['5层电梯口', 'flat'],
  ])('flags %j', (note, hint) => expect(contactHintOf(note)).toBe(hint));

  it.each([
    'Block 3 lobby',
    '2 boxes, lobby at 7pm',
    'for a 12-year-old',
    '3号楼大堂',
    '孩子發燒需要布洛芬',
    '在會議室',
    '',
  ])('does not flag %j', (note) => expect(contactHintOf(note)).toBeNull());
});

describe('calendar dates without the Date global', () => {
  it('agrees with Date for days across centuries and leap years', () => {
    for (const ms of [0, 951_782_400_000, 1_671_526_800_000, 4_107_542_399_000, -86_400_000]) {
      expect(isoDateOfMs(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });
});
