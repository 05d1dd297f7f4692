/**
 * Issue 16: fair distribution. Stock offers, claims, the seeded draw and handovers, judged in the
 * fold from signed records alone: the same allocation in any arrival order, within capacity and
 * stock, within each household's limit across offers, deaf to forged reveals and late claims.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { allocate, priorityClass, type DrawClaim } from '../../src/lib/domain/allocation.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { OfferState } from '../../src/lib/domain/fold/stock.ts';
import type { AuthorKey, RecordId } from '../../src/lib/domain/ids.ts';
import type { ClaimBody } from '../../src/lib/domain/kinds/claim.ts';
import { seedCommitment } from '../../src/lib/domain/kinds/draw.ts';
import type { VulnerableGroup } from '../../src/lib/domain/kinds/post.ts';
import { checkBody } from '../../src/lib/domain/kinds/parse.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { SiteBody } from '../../src/lib/domain/kinds/site.ts';
import type { StockBody } from '../../src/lib/domain/kinds/stock.ts';
import { committedOffer, hlc, HOUR, identity, MINUTE, sign, T0 } from './fixtures.ts';

type StockRecord = VerifiedRecord<'stock'>;

const SEED = 'a'.repeat(64);
const OTHER_SEED = 'b'.repeat(64);

let founder: Identity;
let vera: Identity;
let residents: Identity[];
/** The founder's site, drawn before any offer: its pickup point is Lobby B. */
let siteRecord: AnyRecord;

beforeAll(async () => {
  const all = await Promise.all([1, 2, 10, 11, 12, 13, 14, 15, 16, 17].map(identity));
  [founder, vera, ...residents] = all as [Identity, Identity, ...Identity[]];
  siteRecord = await sign(founder, 'site', siteWith('Lobby B'), T0 - 2 * HOUR);
});

const siteWith = (...points: string[]): SiteBody => ({
  buildings: [],
  points: points.map((name, i) => ({ name, at: [114.2 + i / 10_000, 22.3] })),
});

const offerBody = (overrides: Partial<StockBody> = {}): StockBody =>
  committedOffer(SEED, {
    total: 20,
    slots: [
      { point: 'Lobby B', start: T0 + HOUR, end: T0 + 2 * HOUR, capacity: 2 },
      { point: 'Lobby B', start: T0 + 2 * HOUR, end: T0 + 3 * HOUR, capacity: 2 },
    ],
    priority: ['elderly'],
    ...overrides,
  });

const claimBody = (offer: RecordId, overrides: Partial<ClaimBody> = {}): ClaimBody => ({
  offer,
  qty: 5,
  groups: [],
  slots: [0, 1],
  delivery: false,
  ...overrides,
});

const grant = () => sign(founder, 'role', { action: 'grant-volunteer', member: vera.author }, T0 - HOUR);

function fold(records: readonly AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add([siteRecord, ...records]);
  return f;
}

/** What a resident sees of an offer: every claim's status, place and wait-list position. */
function summary(offer: OfferState | undefined): unknown {
  if (!offer) return null;
  return {
    draw: offer.draw?.id ?? null,
    numbers: offer.numbers,
    claims: offer.claims.map((c) => [c.id, c.status, c.award?.place ?? null, c.award?.qty ?? 0, c.position ?? 0]),
  };
}

/** The scenario: 20 masks, 5 per household, two slots of 2; six claims, two elderly. */
async function scenario() {
  const offer = await sign(vera, 'stock', offerBody(), T0 - MINUTE);
  const claims: AnyRecord[] = [];
  for (const [i, who] of residents.slice(0, 6).entries()) {
    const groups: VulnerableGroup[] = i === 4 || i === 5 ? ['elderly'] : [];
    claims.push(await sign(who, 'claim', claimBody(offer.id, { groups }), T0 + 10 * MINUTE));
  }
  const draw = await sign(
    vera,
    'draw',
    { offer: offer.id, seed: SEED, claims: claims.map((c) => c.id).sort() },
    T0 + 31 * MINUTE,
  );
  return { offer, claims, draw, records: [siteRecord, await grant(), offer, ...claims, draw] };
}

describe('a stock offer', () => {
  it('needs a window that closes after it opens, slots, and a per-household limit within the total', () => {
    expect(checkBody('stock', offerBody()).ok).toBe(true);
    expect(checkBody('stock', offerBody({ closes: T0 })).ok).toBe(false);
    expect(checkBody('stock', offerBody({ slots: [] })).ok).toBe(false);
    expect(checkBody('stock', offerBody({ perHousehold: 21 })).ok).toBe(false);
  });

  it('counts from a volunteer; a resident may offer only a small lot', async () => {
    const big = await sign(residents[0]!, 'stock', offerBody({ total: 200 }), T0);
    const small = await sign(residents[0]!, 'stock', offerBody({ total: 10, perHousehold: 2 }), T0);
    const pinned = await sign(vera, 'stock', offerBody({ total: 200 }), T0);
    const f = fold([await grant(), big, small, pinned]);
    expect(f.stockOffer(big.id)).toBeUndefined();
    expect(f.stockOffer(small.id)).toBeDefined();
    expect(f.stockOffer(pinned.id)).toBeDefined();
  });

  it('says "waiting for the organiser" until the seed is revealed: claims pending, no winners', async () => {
    const { offer, records } = await scenario();
    const f = fold(records.slice(0, -1));
    const state = f.stockOffer(offer.id)!;
    expect(state.draw).toBeUndefined();
    expect(state.claims.map((c) => c.status)).toEqual(Array(6).fill('pending'));
    expect(state.numbers).toEqual({ claims: 6, winners: 0, collected: 0, left: 20 });
  });
});

describe("a slot's pickup point", () => {
  const noSite = (records: readonly AnyRecord[]) => {
    const f = new BoardFold(founder.author);
    f.add(records);
    return f;
  };

  it('must be one of the pickup points of the site that counts: otherwise refused as unknown-point', async () => {
    const atGate = await sign(vera, 'stock', offerBody({ slots: [{ ...offerBody().slots[0]!, point: 'Gate' }] }), T0);
    const atLobby = await sign(vera, 'stock', offerBody(), T0);
    const withoutSite = noSite([await grant(), atLobby]);
    expect(withoutSite.stockOffer(atLobby.id)).toBeUndefined();
    const f = fold([await grant(), atGate, atLobby]);
    expect(f.stockOffer(atGate.id)).toBeUndefined();
    expect(f.stockOffer(atLobby.id)).toBeDefined();
    const site = f.stockSite();
    expect(KINDS.stock.authorise(atGate as StockRecord, site, f.authority)).toEqual({
      ok: false,
      reason: 'unknown-point',
    });
    // Names compare as the site compares them: case and spaces around do not matter.
    const lower = offerBody({ slots: [{ ...offerBody().slots[0]!, point: ' lobby b ' }] });
    expect(KINDS.stock.authorise({ author: vera.author, at: hlc(T0), body: lower }, site, f.authority)).toEqual({
      ok: true,
    });
  });

  it('an offer stands when a later site removes its point; one signed after that site is refused, in any order', async () => {
    const { offer, claims, records } = await scenario();
    const expected = summary(fold(records).stockOffer(offer.id));
    // The founder redraws the map without Lobby B, after the offer; then a new offer names it.
    const redrawn = await sign(founder, 'site', siteWith('Gate'), T0 + 35 * MINUTE);
    const opens = T0 + 3 * HOUR;
    const late = await sign(
      vera,
      'stock',
      offerBody({ opens, closes: opens + 30 * MINUTE, commit: seedCommitment(OTHER_SEED) }),
      T0 + 2 * HOUR,
    );
    const lateClaim = await sign(residents[0]!, 'claim', claimBody(late.id), opens + MINUTE);
    const all = [...records, redrawn, late, lateClaim];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(all, { minLength: all.length }),
        fc.integer({ min: 1, max: 4 }),
        (order, batch) => {
          const f = noSite([]);
          for (let i = 0; i < order.length; i += batch) f.add(order.slice(i, i + batch));
          expect(f.site()?.points.map((p) => p.name)).toEqual(['Gate']);
          expect(summary(f.stockOffer(offer.id))).toEqual(expected);
          expect(f.stockOffer(late.id)).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
    expect(claims).toHaveLength(6);
  });

  it("is judged again when the site that counts changes: a revoked volunteer's site stops counting", async () => {
    const grantRecord = await grant();
    const byVera = await sign(vera, 'site', siteWith('Gate'), T0 - HOUR);
    const atGate = await sign(vera, 'stock', offerBody({ slots: [{ ...offerBody().slots[0]!, point: 'Gate' }] }), T0);
    const f = fold([grantRecord, byVera, atGate]);
    expect(f.stockOffer(atGate.id)).toBeDefined();
    // The founder revokes Vera: her site and her offer stop counting, and the founder's older site (Lobby B) is back.
    const revoke = await sign(founder, 'role', { action: 'revoke-volunteer', member: vera.author }, T0 + MINUTE);
    f.add([revoke]);
    expect(f.site()?.points.map((p) => p.name)).toEqual(['Lobby B']);
    expect(f.stockOffer(atGate.id)).toBeUndefined();
  });
});

describe('the draw', () => {
  it('serves the elderly first, fills each slot to its capacity and wait-lists the rest', async () => {
    const { offer, claims, records } = await scenario();
    const state = fold(records).stockOffer(offer.id)!;
    const elderly = new Set([claims[4]!.id, claims[5]!.id]);
    expect(
      state.claims
        .slice(0, 2)
        .map((c) => c.id)
        .sort(),
    ).toEqual([...elderly].sort());
    expect(state.claims.filter((c) => c.status === 'won')).toHaveLength(4);
    expect(state.claims.filter((c) => c.status === 'won' && c.award?.place === 0)).toHaveLength(2);
    expect(state.claims.filter((c) => c.status === 'won' && c.award?.place === 1)).toHaveLength(2);
    expect(state.claims.filter((c) => c.status === 'waiting').map((c) => c.position)).toEqual([1, 2]);
    expect(state.numbers).toEqual({ claims: 6, winners: 4, collected: 0, left: 20 });
  });

  it('moves the first on the wait list up when a winner declines; collected counts', async () => {
    const { offer, records } = await scenario();
    const before = fold(records).stockOffer(offer.id)!;
    const winner = before.claims.find((c) => c.status === 'won' && c.award?.place === 1)!;
    const other = before.claims.find((c) => c.status === 'won' && c.id !== winner.id)!;
    const first = before.claims.find((c) => c.position === 1)!;
    const decliner = residents.find((r) => r.author === winner.author)!;
    const decline = await sign(decliner, 'handover', { claim: winner.id, action: 'declined' }, T0 + 40 * MINUTE);
    const collect = await sign(vera, 'handover', { claim: other.id, action: 'collected' }, T0 + 70 * MINUTE);
    const after = fold([...records, decline, collect]).stockOffer(offer.id)!;
    const status = (id: RecordId) => after.claims.find((c) => c.id === id)!;
    expect(status(winner.id).status).toBe('declined');
    expect(status(first.id)).toMatchObject({ status: 'won', award: { place: 1, qty: 5 } });
    expect(status(other.id).status).toBe('collected');
    expect(after.claims.filter((c) => c.position !== undefined)).toHaveLength(1);
    expect(after.numbers).toEqual({ claims: 6, winners: 4, collected: 1, left: 15 });
  });

  it('releases an uncollected place to the wait list only after its slots ended, and only by a volunteer', async () => {
    const { offer, records } = await scenario();
    const before = fold(records).stockOffer(offer.id)!;
    const winner = before.claims.find((c) => c.status === 'won')!;
    const early = await sign(vera, 'handover', { claim: winner.id, action: 'released' }, T0 + 2 * HOUR);
    const byResident = await sign(residents[7]!, 'handover', { claim: winner.id, action: 'released' }, T0 + 4 * HOUR);
    expect(summary(fold([...records, early, byResident]).stockOffer(offer.id))).toEqual(summary(before));
    const late = await sign(vera, 'handover', { claim: winner.id, action: 'released' }, T0 + 3 * HOUR + 1);
    const after = fold([...records, late]).stockOffer(offer.id)!;
    expect(after.claims.find((c) => c.id === winner.id)!.status).toBe('missed');
    expect(after.claims.filter((c) => c.status === 'won')).toHaveLength(4);
  });

  it('counts one claim per household per offer: the earliest', async () => {
    const { offer, records } = await scenario();
    const again = await sign(residents[0]!, 'claim', claimBody(offer.id, { groups: ['elderly'] }), T0 + 20 * MINUTE);
    const state = fold([...records.slice(0, -1), again]).stockOffer(offer.id)!;
    expect(state.claims).toHaveLength(6);
    expect(state.claims.some((c) => c.id === again.id)).toBe(false);
  });
});

describe('limits across offers', () => {
  it('gives nothing more to a household that had its share of the item within the rolling window', async () => {
    const { offer, records } = await scenario();
    const winner = fold(records)
      .stockOffer(offer.id)!
      .claims.find((c) => c.status === 'won')!;
    const household = residents.find((r) => r.author === winner.author)!;
    const opens = T0 + 2 * HOUR;
    const later = await sign(
      vera,
      'stock',
      offerBody({ opens, closes: opens + 30 * MINUTE, commit: seedCommitment(OTHER_SEED) }),
      opens - MINUTE,
    );
    const body = claimBody(later.id);
    const f = fold([...records, later]);
    expect(f.judgeClaim(household.author, body)).toEqual({ ok: false, reason: 'household-limit' });
    expect(f.judgeClaim(residents[6]!.author, body)).toEqual({ ok: true });
    const claim = await sign(household, 'claim', body, opens + MINUTE);
    const draw = await sign(
      vera,
      'draw',
      { offer: later.id, seed: OTHER_SEED, claims: [claim.id] },
      opens + 31 * MINUTE,
    );
    const state = fold([...records, later, claim, draw]).stockOffer(later.id)!;
    expect(state.claims.map((c) => c.status)).toEqual(['over-limit']);
    // A day later the window has rolled on: the same household may have its share again.
    const nextDay = T0 + 26 * HOUR;
    const tomorrow = await sign(
      vera,
      'stock',
      offerBody({ opens: nextDay, closes: nextDay + 30 * MINUTE }),
      nextDay - MINUTE,
    );
    expect(fold([...records, tomorrow]).judgeClaim(household.author, claimBody(tomorrow.id))).toEqual({ ok: true });
  });
});

describe('property: every device computes the same allocation', () => {
  it('from the same records in any arrival order, in any batches', async () => {
    const { offer, records } = await scenario();
    const winner = fold(records)
      .stockOffer(offer.id)!
      .claims.find((c) => c.status === 'won')!;
    const decliner = residents.find((r) => r.author === winner.author)!;
    const all = [
      ...records,
      await sign(decliner, 'handover', { claim: winner.id, action: 'declined' }, T0 + 40 * MINUTE),
    ];
    const expected = summary(fold(all).stockOffer(offer.id));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(all, { minLength: all.length }),
        fc.integer({ min: 1, max: 5 }),
        (order, batch) => {
          const f = new BoardFold(founder.author);
          for (let i = 0; i < order.length; i += batch) f.add(order.slice(i, i + batch));
          expect(summary(f.stockOffer(offer.id))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: a forged reveal or a late claim changes nothing', () => {
  it('ignores a seed that does not match, a claim after the window, a backdated claim, a re-roll', async () => {
    const { offer, records, draw } = await scenario();
    const expected = summary(fold(records).stockOffer(offer.id));
    const forged = await sign(
      vera,
      'draw',
      { offer: offer.id, seed: OTHER_SEED, claims: draw.kind === 'draw' ? draw.body.claims : [] },
      T0 + 31 * MINUTE - 1,
    );
    const late = await sign(residents[6]!, 'claim', claimBody(offer.id, { groups: ['elderly'] }), T0 + 30 * MINUTE + 1);
    // Signed after the reveal with a date inside the window: the draw does not list it.
    const backdated = await sign(
      residents[7]!,
      'claim',
      claimBody(offer.id, { groups: ['elderly'] }),
      T0 + 29 * MINUTE,
    );
    const reroll = await sign(vera, 'draw', { offer: offer.id, seed: SEED, claims: [backdated.id] }, T0 + 32 * MINUTE);
    const byOther = await sign(
      founder,
      'draw',
      { offer: offer.id, seed: SEED, claims: [backdated.id] },
      T0 + 30 * MINUTE + 5,
    );
    const early = await sign(vera, 'draw', { offer: offer.id, seed: SEED, claims: [backdated.id] }, T0 + 20 * MINUTE);
    const noise = [forged, late, backdated, reroll, byOther, early];
    fc.assert(
      fc.property(
        fc.subarray(noise, { minLength: 1 }),
        fc.shuffledSubarray([...records], { minLength: records.length }),
        (extra, base) => {
          expect(summary(fold([...base, ...extra]).stockOffer(offer.id))).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

// ---- the allocation alone: random offers and claims --------------------------------------------

const GROUPS: readonly VulnerableGroup[] = ['pregnant', 'child', 'elderly', 'chronic', 'disability'];
const id = (i: number) => `claim-${String(i).padStart(16, '0')}` as RecordId;
const author = (i: number) => `ed25519:household-${String(i).padStart(40, '0')}` as AuthorKey;

const arbitraryOffer = fc.record({
  total: fc.integer({ min: 1, max: 60 }),
  perHousehold: fc.integer({ min: 1, max: 8 }),
  slots: fc.array(fc.record({ capacity: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 4 }),
  delivery: fc.integer({ min: 0, max: 3 }),
  priority: fc.shuffledSubarray([...GROUPS]),
});

const arbitraryDraw = arbitraryOffer.chain((offer) =>
  fc.record({
    offer: fc.constant(offer),
    seed: fc
      .array(fc.integer({ min: 0, max: 15 }), { minLength: 64, maxLength: 64 })
      .map((digits) => digits.map((d) => d.toString(16)).join('')),
    claims: fc
      .array(
        fc.record({
          qty: fc.integer({ min: 1, max: offer.perHousehold }),
          groups: fc.subarray([...GROUPS]),
          slots: fc.shuffledSubarray(
            offer.slots.map((_, i) => i),
            { minLength: 1 },
          ),
          delivery: offer.delivery > 0 ? fc.boolean() : fc.constant(false),
        }),
        { maxLength: 40 },
      )
      .map((claims): DrawClaim[] => claims.map((c, i) => ({ ...c, id: id(i), author: author(i) }))),
    gone: fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 10 }).map((ids) => new Set(ids.map(id))),
    received: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 40, maxLength: 40 }),
  }),
);

describe('property: the allocation', () => {
  it('never puts a slot over capacity, nor hands out more than the stock or a household’s allowance', () => {
    fc.assert(
      fc.property(arbitraryDraw, ({ offer, seed, claims, gone, received }) => {
        const allowance = (who: AuthorKey) => offer.perHousehold - (received[Number(who.slice(-40))] ?? 0);
        const { awards, waitList } = allocate(offer, seed, claims, { gone, allowance });
        const used = new Map<number | 'delivery', number>();
        let handed = 0;
        for (const [claimId, award] of awards) {
          const claim = claims.find((c) => c.id === claimId)!;
          used.set(award.place, (used.get(award.place) ?? 0) + 1);
          handed += award.qty;
          expect(award.qty).toBeGreaterThan(0);
          expect(award.qty).toBeLessThanOrEqual(Math.min(claim.qty, allowance(claim.author)));
          expect(gone.has(claimId)).toBe(false);
          if (award.place === 'delivery') expect(claim.delivery).toBe(true);
          else expect(claim.slots).toContain(award.place);
        }
        for (const [place, n] of used) {
          expect(n).toBeLessThanOrEqual(place === 'delivery' ? offer.delivery : offer.slots[place]!.capacity);
        }
        expect(handed).toBeLessThanOrEqual(offer.total);
        for (const waiting of waitList) expect(awards.has(waiting)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('honours priority classes: no claim of a later class wins while one of an earlier class waits', () => {
    fc.assert(
      fc.property(arbitraryDraw, ({ offer, seed, claims }) => {
        // Every household accepts every slot and asks as much: only the order decides.
        const equal = claims.map((c) => ({ ...c, qty: 1, delivery: false, slots: offer.slots.map((_, i) => i) }));
        const { awards, waitList } = allocate(offer, seed, equal, { gone: new Set(), allowance: () => 1 });
        const classOf = (claimId: RecordId) =>
          priorityClass(
            equal.find((c) => c.id === claimId)!,
            offer.priority,
          );
        const worstWinner = Math.max(-1, ...[...awards.keys()].map(classOf));
        const bestWaiting = Math.min(Number.POSITIVE_INFINITY, ...waitList.map(classOf));
        expect(worstWinner).toBeLessThanOrEqual(bestWaiting);
      }),
      { numRuns: 300 },
    );
  });

  it('is the same whatever order the claims are given in', () => {
    fc.assert(
      fc.property(
        arbitraryDraw.chain((draw) =>
          fc.record({
            draw: fc.constant(draw),
            shuffled: fc.shuffledSubarray(draw.claims, { minLength: draw.claims.length }),
          }),
        ),
        ({ draw: { offer, seed, claims, gone }, shuffled }) => {
          const options = { gone, allowance: () => offer.perHousehold };
          const a = allocate(offer, seed, claims, options);
          const b = allocate(offer, seed, shuffled, options);
          expect(b.order).toEqual(a.order);
          expect([...b.awards].sort()).toEqual([...a.awards].sort());
          expect(b.waitList).toEqual(a.waitList);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: no household over its limit across offers', () => {
  it('caps a household by what earlier offers of the item awarded it within the rolling window', async () => {
    const households = residents.slice(0, 4);
    const grantRecord = await grant();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            perHousehold: fc.integer({ min: 1, max: 5 }),
            closesAfterH: fc.integer({ min: 0, max: 48 }),
            claimants: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
            qty: fc.integer({ min: 1, max: 5 }),
          }),
          { minLength: 2, maxLength: 3 },
        ),
        async (specs) => {
          const records: AnyRecord[] = [grantRecord];
          const offers: AnyRecord[] = [];
          for (const [n, spec] of specs.entries()) {
            const opens = T0 + spec.closesAfterH * HOUR;
            const body = offerBody({
              total: 50,
              perHousehold: spec.perHousehold,
              opens,
              closes: opens + 30 * MINUTE,
              slots: [{ point: 'Lobby B', start: opens + HOUR, end: opens + 2 * HOUR, capacity: 10 }],
            });
            const offer = await sign(vera, 'stock', body, T0 - HOUR, n);
            offers.push(offer);
            const claims: AnyRecord[] = [];
            for (const h of spec.claimants) {
              const qty = Math.min(spec.qty, spec.perHousehold);
              claims.push(
                await sign(households[h]!, 'claim', claimBody(offer.id, { qty, slots: [0] }), opens + MINUTE),
              );
            }
            const draw = await sign(
              vera,
              'draw',
              { offer: offer.id, seed: SEED, claims: claims.map((c) => c.id).sort() },
              opens + 31 * MINUTE,
            );
            records.push(offer, ...claims, draw);
          }
          const f = fold(records);
          const states = offers.map((o) => f.stockOffer(o.id)!);
          for (const state of states) {
            const windowStart = state.body.closes - state.body.rollingHours * HOUR;
            for (const h of households) {
              // An offer never takes a household over its limit (an earlier, more generous one may have).
              if (!state.claims.some((c) => c.author === h.author && c.award)) continue;
              let sum = 0;
              for (const other of states) {
                if (other.body.closes > state.body.closes || other.body.closes <= windowStart) continue;
                if (other.body.closes === state.body.closes && other.id !== state.id) continue;
                for (const c of other.claims) if (c.author === h.author && c.award) sum += c.award.qty;
              }
              expect(sum).toBeLessThanOrEqual(state.body.perHousehold);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
