/** SquareStock, driven as the Stock panel does: pin with a kept seed, claim, reveal, hand over. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../src/lib/crypto/signing.ts';
import { seedCommitment } from '../../../src/lib/domain/kinds/draw.ts';
import type { StockBody } from '../../../src/lib/domain/kinds/stock.ts';
import { CLOCK_TICK_MS } from '../../../src/lib/state/square.svelte.ts';
import type { StockDraft } from '../../../src/lib/state/stock.svelte.ts';
import { arrive, founderSession, settle } from '../../support/founder-session.ts';
import { maskOffer, HOUR, identity, MINUTE, sign, T0 } from '../fixtures.ts';

let neighbour: Identity;

beforeAll(async () => {
  neighbour = await identity(61);
});

/** The founder's square, with the pickup point the offers name drawn on its site. */
async function stockSquare(): Promise<Awaited<ReturnType<typeof founderSession>>> {
  const square = await founderSession();
  expect(await square.session.site.addPoint('Lobby B', [114.2, 22.3])).toEqual({ ok: true });
  return square;
}

const draft = (opens: number): StockDraft =>
  maskOffer(opens, {
    total: 200,
    slots: [{ point: 'Lobby B', start: opens + HOUR, end: opens + 3 * HOUR, capacity: 20 }],
    priority: ['elderly'],
  });

describe('the Stock panel', () => {
  it('pins with a seed kept on this device, then reveals it once the window closed', async () => {
    const { services, session } = await stockSquare();
    const stock = await session.openStock();
    expect(await stock.pin(draft(T0))).toEqual({ ok: true });
    await settle(services);
    const [offer] = stock.offers;
    expect(offer).toBeDefined();
    expect(stock.phaseOf(offer!)).toBe('open');
    expect(stock.holdsSeed(offer!)).toBe(true);
    // Revealing early is refused by the same rule every device folds with.
    expect(await stock.reveal(offer!)).toEqual({ ok: false, reason: 'window-open' });

    const claim = await sign(
      neighbour,
      'claim',
      { offer: offer!.id, qty: 5, groups: [], slots: [0], delivery: false },
      T0 + MINUTE,
    );
    await arrive(services, claim);
    expect(stock.offers[0]!.numbers.claims).toBe(1);

    services.clock.advance(31 * MINUTE + CLOCK_TICK_MS);
    await settle(services);
    expect(stock.phaseOf(stock.offers[0]!)).toBe('waiting');
    expect(await stock.reveal(stock.offers[0]!)).toEqual({ ok: true });
    await settle(services);
    const drawn = stock.offers[0]!;
    expect(stock.phaseOf(drawn)).toBe('drawn');
    expect(stock.slotList(drawn, 0).map((line) => [line.claim.id, line.claim.status])).toEqual([[claim.id, 'won']]);
    // The draw cannot be re-rolled.
    expect(await stock.reveal(drawn)).toEqual({ ok: false, reason: 'already-drawn' });

    expect(await stock.collected(claim.id)).toEqual({ ok: true });
    await settle(services);
    expect(stock.offers[0]!.numbers).toEqual({ claims: 1, winners: 1, collected: 1, left: 195 });
  });

  it("refuses a slot at a place that is not one of the site's pickup points, with the fold's rule", async () => {
    const { services, session } = await founderSession();
    const stock = await session.openStock();
    expect(await stock.pin(draft(T0))).toEqual({ ok: false, reason: 'unknown-point' });
    expect(await session.site.addPoint('Lobby B', [114.2, 22.3])).toEqual({ ok: true });
    await settle(services);
    expect(await stock.pin({ ...draft(T0), slots: [{ ...draft(T0).slots[0]!, point: 'Gate' }] })).toEqual({
      ok: false,
      reason: 'unknown-point',
    });
    expect(await stock.pin(draft(T0))).toEqual({ ok: true });
  });

  it('claims once per household, inside the window; an offer pinned elsewhere cannot be revealed here', async () => {
    const { services, session } = await stockSquare();
    const stock = await session.openStock();
    const body: StockBody = { ...draft(T0), total: 10, commit: seedCommitment('c'.repeat(64)) };
    await arrive(services, await sign(neighbour, 'stock', body, T0 - MINUTE));
    const offer = stock.offers[0]!;
    expect(stock.isOrganiser(offer)).toBe(false);
    const mine = { qty: 5, groups: [], slots: [0], delivery: false };
    expect(await stock.claim(offer, { ...mine, qty: 6 })).toEqual({ ok: false, reason: 'household-limit' });
    expect(await stock.claim(offer, mine)).toEqual({ ok: true });
    await settle(services);
    expect(stock.myClaim(stock.offers[0]!)?.status).toBe('pending');
    expect(await stock.claim(stock.offers[0]!, mine)).toEqual({ ok: false, reason: 'already-claimed' });
    expect(await stock.reveal(stock.offers[0]!)).toEqual({ ok: false, reason: 'no-seed' });

    services.clock.advance(31 * MINUTE);
    await settle(services);
    const late = { ...body, commit: seedCommitment('d'.repeat(64)) };
    await arrive(services, await sign(neighbour, 'stock', late, T0));
    const closed = stock.offers.find((o) => o.body.commit === late.commit)!;
    expect(await stock.claim(closed, mine)).toEqual({ ok: false, reason: 'claim-window' });
  });
});
