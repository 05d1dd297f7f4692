/**
 * Issue 16: each claimant told their result by a sealed message. The organiser's device sends
 * it when the draw is revealed and when a place moves up; the claimant's device reads the typed
 * result, and checks it against the draw it computes itself (a hostile organiser could seal a lie).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../../src/lib/crypto/seal.ts';
import type { Identity } from '../../../src/lib/crypto/signing.ts';
import { RECORDS_KEY } from '../../../src/lib/board/schema.ts';
import { storedForm } from '../../../src/lib/board/stored-form.ts';
import type { SealKey } from '../../../src/lib/domain/ids.ts';
import { seedCommitment } from '../../../src/lib/domain/kinds/draw.ts';
import { messageBinding, type StockResult } from '../../../src/lib/domain/kinds/message.ts';
import type { AnyRecord } from '../../../src/lib/domain/kinds/registry.ts';
import { sameResult } from '../../../src/lib/domain/stock-result.ts';
import { CLOCK_TICK_MS } from '../../../src/lib/state/square.svelte.ts';
import type { StockDraft } from '../../../src/lib/state/stock.svelte.ts';
import { docOf, settle, sync, threeResidents, type Resident } from '../../support/residents.ts';
import { maskOffer, HOUR, identity, MINUTE, sign, T0 } from '../fixtures.ts';

let hostile: Identity;

beforeAll(async () => {
  hostile = await identity(77);
});

/** Records signed outside the app (a hostile member's own client) arriving at a resident's device. */
async function arrive(r: Resident, ...records: AnyRecord[]): Promise<void> {
  const map = docOf(r).getMap(RECORDS_KEY);
  map.doc!.transact(() => records.forEach((record) => map.set(record.id, storedForm(record))), 'peer');
  await settle(r);
}

/** The key a resident's messages are sealed to, as its profile record carries it. */
function sealKeyOf(r: Resident): SealKey {
  for (const text of docOf(r).getMap<string>(RECORDS_KEY).values()) {
    const record = JSON.parse(text) as { kind: string; author: string; body: { seal?: SealKey } };
    if (record.kind === 'profile' && record.author === r.session.me && record.body.seal) return record.body.seal;
  }
  throw new Error('no encryption key in the profile');
}

const draft = (opens: number): StockDraft =>
  maskOffer(opens, { slots: [{ point: 'Lobby B', start: opens + HOUR, end: opens + 3 * HOUR, capacity: 1 }] });

async function square() {
  const { clock, a, b, c } = await threeResidents();
  expect(await a.session.site.addPoint('Lobby B', [114.2, 22.3])).toEqual({ ok: true });
  await sync(a, b, c);
  return { clock, a, b, c };
}

const offerConversation = (r: Resident) => r.messages.conversations.find((c) => 'offer' in c.about);

describe("a claimant's result, by message", () => {
  it('reaches each claimant when the draw is revealed, and the one who moves up when a winner declines', async () => {
    const { clock, a, b, c } = await square();
    expect(await a.stock.pin(draft(T0))).toEqual({ ok: true });
    await sync(a, b, c);
    for (const r of [b, c])
      expect(await r.stock.claim(r.stock.offers[0]!, { qty: 5, groups: [], slots: [0], delivery: false })).toEqual({
        ok: true,
      });
    await sync(a, b, c);
    // No result before the draw.
    expect(offerConversation(b)).toBeUndefined();
    clock.advance(31 * MINUTE + CLOCK_TICK_MS);
    await settle(a);
    expect(await a.stock.reveal(a.stock.offers[0]!)).toEqual({ ok: true });
    await sync(a, b, c);
    await sync(a, b, c);

    const told = (r: Resident) => offerConversation(r)?.lines.flatMap((l) => (l.result ? [l.result] : [])) ?? [];
    for (const r of [b, c]) {
      const offer = r.messages.offer(r.stock.offers[0]!.id)!;
      const truth = r.messages.drawSays(offer)!;
      expect(told(r)).toEqual([truth.result]);
      expect(offerConversation(r)?.other).toBe(a.session.me);
      expect(r.messages.unread).toBe(1);
    }
    const statuses = [b, c].map((r) => told(r)[0]!.status).sort();
    expect(statuses).toEqual(['waiting', 'won']);
    // The organiser's device holds a conversation with each, and tells nobody twice.
    expect(a.messages.conversations.filter((conversation) => 'offer' in conversation.about)).toHaveLength(2);

    const [winner, waiting] = told(b)[0]!.status === 'won' ? [b, c] : [c, b];
    const mine = winner.stock.myClaim(winner.stock.offers[0]!)!;
    expect(await winner.stock.decline(mine.id)).toEqual({ ok: true });
    await sync(a, b, c);
    await sync(a, b, c);
    expect(told(waiting).map((r) => r.status)).toEqual(['waiting', 'won']);
    expect(told(winner).map((r) => r.status)).toEqual(['won']);
    // The claimant answers the organiser in the same conversation.
    expect(await waiting.messages.send(offerConversation(waiting)!.key, 'I will come at 11')).toEqual({ ok: true });
    await sync(a, b, c);
    const withWaiting = a.messages.conversations.find((x) => 'offer' in x.about && x.other === waiting.session.me);
    expect(withWaiting?.lines.at(-1)?.text).toBe('I will come at 11');
  });

  it("shows a hostile organiser's lie for what it is: the claimant's device holds the fold's draw", async () => {
    const { clock, b } = await square();
    const offer = await sign(hostile, 'stock', { ...draft(T0), commit: seedCommitment('e'.repeat(64)) }, T0);
    await arrive(b, offer);
    const claim = { qty: 5, groups: [], slots: [0], delivery: false };
    expect(await b.stock.claim(b.stock.offers[0]!, claim)).toEqual({ ok: true });
    await settle(b);
    const claimId = b.stock.myClaim(b.stock.offers[0]!)!.id;
    clock.advance(31 * MINUTE);
    const draw = await sign(hostile, 'draw', { offer: offer.id, seed: 'e'.repeat(64), claims: [claimId] }, clock.now());
    const lie: StockResult = { status: 'won', qty: 5, place: { point: 'Car park', start: T0, end: T0 + HOUR } };
    const box = await seal(
      JSON.stringify({ stock: lie }),
      [sealKeyOf(b)],
      messageBinding({ offer: offer.id, to: b.session.me }, hostile.author),
    );
    const message = await sign(hostile, 'message', { offer: offer.id, to: b.session.me, box }, clock.now() + 1);
    await arrive(b, draw, message);

    const line = offerConversation(b)?.lines[0];
    expect(line?.result).toEqual(lie);
    const truth = b.messages.drawSays(b.messages.offer(offer.id)!)!;
    expect(truth.result).toEqual({
      status: 'won',
      qty: 5,
      place: { point: 'Lobby B', start: T0 + HOUR, end: T0 + 3 * HOUR },
    });
    expect(sameResult(line!.result!, truth.result)).toBe(false);
  });
});
