/** Figures for the compound from a fixed set of posts: per day, median time to done, supply and demand, CSV, lobby sheet. */
import { describe, expect, it } from 'vitest';
import { isoDateOfMs } from '../../src/lib/domain/calendar.ts';
import {
  CSV_COLUMNS,
  dailyFigures,
  lastDays,
  lobbySheet,
  medianTimeToDoneMs,
  postsCsv,
  supplyAndDemand,
  type Closure,
} from '../../src/lib/domain/figures.ts';
import type { PostState } from '../../src/lib/domain/fold/post-state.ts';
import type { AuthorKey, PostId } from '../../src/lib/domain/ids.ts';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import { inviteUrl, postOfLink, parseInvite } from '../../src/lib/domain/invite.ts';
import { HOUR, hlc, postBody, postState, T0 } from './fixtures.ts';

const DAY = 24 * HOUR;
const post = (body: Partial<PostBody>, atMs: number, status: PostState['status'] = 'open', doneMs = atMs) =>
  postState({
    at: hlc(atMs),
    activeSinceMs: atMs,
    lastActivityMs: status === 'open' ? atMs : doneMs,
    status,
    author: 'ed25519:SecretKeyOfAResident' as AuthorKey,
    body: postBody(body),
  });

// Day 0: two needs (one resolved 2 h later), an offer. Day 1: a need closed by a volunteer 6 h later, a swap.
const thermometerNeed = post(
  { items: [{ item: 'thermometer', qty: 1 }], where: { building: 'Block 1', floor: '3' } },
  T0,
  'resolved',
  T0 + 2 * HOUR,
);
const paracetamolNeed = post(
  { note: 'Flat 3B, call 9123 4567', where: { building: 'Block 2', floor: '8' } },
  T0 + HOUR,
);
const offer = post(
  { type: 'offer', items: [{ item: 'thermometer', qty: 1 }], where: { building: 'Block 2', floor: '' } },
  T0 + 2 * HOUR,
);
const closedByVolunteer = post(
  { urgency: 'urgent', groups: ['child'], where: { building: 'Block 1', floor: '' } },
  T0 + DAY,
);
const swap = post(
  {
    type: 'swap',
    items: [{ item: 'other', qty: 1, text: 'my name is Ah Mei' }],
    wants: [{ item: 'antigen-test', qty: 2 }],
    where: { building: '=HYPERLINK("x")', floor: '' },
  },
  T0 + DAY + HOUR,
);
const POSTS = [thermometerNeed, paracetamolNeed, offer, closedByVolunteer, swap];
const closure: Closure = {
  doneAtMs: (p) =>
    p.status === 'resolved' ? p.lastActivityMs : p.id === closedByVolunteer.id ? T0 + DAY + 6 * HOUR : null,
  outcomeOf: (p) => (p.id === closedByVolunteer.id ? 'done-by-others' : undefined),
};

describe('figures', () => {
  const days = lastDays(T0 + DAY, 3, isoDateOfMs);

  it('names the last days, oldest first', () => {
    expect(days).toEqual(['2022-12-18', '2022-12-19', '2022-12-20', '2022-12-21'].slice(1));
  });

  it('counts needs and offers opened and done per day', () => {
    expect(dailyFigures(POSTS, closure, days, isoDateOfMs)).toEqual([
      { day: '2022-12-19', needsOpened: 0, offersOpened: 0, needsDone: 0, offersDone: 0 },
      { day: '2022-12-20', needsOpened: 2, offersOpened: 1, needsDone: 1, offersDone: 0 },
      { day: '2022-12-21', needsOpened: 1, offersOpened: 1, needsDone: 1, offersDone: 0 },
    ]);
  });

  it('counts one item or one building alone', () => {
    const thermometers = dailyFigures(POSTS, closure, days, isoDateOfMs, { item: 'thermometer' });
    expect(thermometers[1]).toMatchObject({ needsOpened: 1, offersOpened: 1, needsDone: 1 });
    const block1 = dailyFigures(POSTS, closure, days, isoDateOfMs, { building: 'block 1' });
    expect(block1.map((d) => d.needsOpened)).toEqual([0, 1, 1]);
  });

  it('gives the median time from posting to done', () => {
    expect(medianTimeToDoneMs(POSTS, closure, 'need')).toBe(4 * HOUR);
    expect(medianTimeToDoneMs(POSTS, closure, 'offer')).toBeNull();
    expect(medianTimeToDoneMs(POSTS, closure, 'need', { building: 'Block 2' })).toBeNull();
  });

  it('ranks open supply and demand by the largest shortfall, per item and per building', () => {
    const open = POSTS.filter((p) => closure.doneAtMs(p) === null);
    const { items, buildings } = supplyAndDemand(open);
    expect(items[0]).toEqual({ key: 'paracetamol-500', needs: 1, offers: 0 });
    expect(items.find((i) => i.key === 'thermometer')).toEqual({ key: 'thermometer', needs: 0, offers: 1 });
    expect(buildings.map((b) => [b.key, b.needs, b.offers])).toEqual([
      ['Block 2', 1, 1],
      ['=HYPERLINK("x")', 0, 1],
    ]);
  });
});

describe('the CSV export', () => {
  const csv = postsCsv(POSTS, closure, (p) => p.status);
  const rows = csv.trimEnd().split('\r\n');

  it('has a header and one row per post', () => {
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(POSTS.length + 1);
    expect(rows[1]).toBe('need,thermometerx1,soon,no,Block 1,2022-12-20T09:00Z,resolved,2022-12-20T11:00Z,,2.0');
    expect(rows[4]).toContain(',yes,Block 1,2022-12-21T09:00Z,open,2022-12-21T15:00Z,done-by-others,6.0');
  });

  it('holds no private data: no keys, ids, notes, floors or free text', () => {
    for (const secret of ['SecretKeyOfAResident', thermometerNeed.id, '9123', 'Flat 3B', 'Ah Mei', ',8,', ',3,'])
      expect(csv).not.toContain(secret);
  });

  it('keeps a spreadsheet from reading a field as a formula', () => {
    expect(rows[5]).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('the lobby sheet', () => {
  it('lists open needs by building, the most urgent first, needs without a building last', () => {
    const none = post({ where: { building: '', floor: '' } }, T0);
    const sheet = lobbySheet([paracetamolNeed, offer, closedByVolunteer, none, swap]);
    expect(sheet.map((b) => [b.building, b.needs.map((p) => p.id)])).toEqual([
      ['Block 1', [closedByVolunteer.id]],
      ['Block 2', [paracetamolNeed.id]],
      ['', [none.id]],
    ]);
  });
});

describe('a post’s own link', () => {
  const invite = parseInvite(
    `#r=${'a'.repeat(22)}&k=${'b'.repeat(22)}&f=ed25519:${'c'.repeat(43)}&n=${'d'.repeat(22)}`,
  )!;
  const id = 'P'.repeat(22) as PostId;

  it('is the invite with the post, and still opens the square', () => {
    // As a post card's link writes it: the square's invite, then the post.
    const link = `${inviteUrl('https://kaifong.example/#old', invite)}&p=${id}`;
    expect(link).toBe(
      `https://kaifong.example/#r=${'a'.repeat(22)}&k=${'b'.repeat(22)}&f=ed25519:${'c'.repeat(43)}&n=${'d'.repeat(22)}&p=${id}`,
    );
    expect(parseInvite(link)).toEqual(invite);
    expect(postOfLink(link)).toBe(id);
  });

  it('is absent from a plain invite, and a damaged post id names no post', () => {
    expect(postOfLink(`#r=${'a'.repeat(22)}&k=${'b'.repeat(22)}`)).toBeNull();
    expect(postOfLink(`#r=x&p=${'P'.repeat(21)}`)).toBeNull();
  });
});
