/**
 * Issue 16: messages about a stock offer. The fold lets the offer's organiser and the households
 * that claimed from it write to each other, and nobody else (a forged "result" from anyone but
 * the organiser never counts), in any arrival order of offer, claims and messages; the result a
 * message carries is a typed payload, and which results an organiser's device still has to tell
 * follows the fold's draw.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKeys, seal } from '../../src/lib/crypto/seal.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { AuthorKey, RecordId } from '../../src/lib/domain/ids.ts';
import { parseRecord } from '../../src/lib/domain/kinds/parse.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { messageBinding, parseMessageContent, type SealedBox } from '../../src/lib/domain/kinds/message.ts';
import type { StockBody } from '../../src/lib/domain/kinds/stock.ts';
import { orphansToDrop, ORPHAN_TTL_MS } from '../../src/lib/domain/retention.ts';
import { resultOf, resultsToTell } from '../../src/lib/domain/stock-result.ts';
import { committedOffer, HOUR, identity, MINUTE, sign, signPost, postBody, stored, T0 } from './fixtures.ts';

const SEED = 'c'.repeat(64);

let founder: Identity;
let organiser: Identity;
let households: Identity[];
let stranger: Identity;
let box: SealedBox;
let site: AnyRecord;

beforeAll(async () => {
  const all = await Promise.all([1, 2, 3, 20, 21, 22].map(identity));
  [founder, organiser, stranger, ...households] = all as [Identity, Identity, Identity, ...Identity[]];
  const keys = await generateSealingKeys();
  box = await seal('{"text":"hello"}', [keys.publicKey], 'test');
  site = await sign(founder, 'site', { buildings: [], points: [{ name: 'Lobby B', at: [114.2, 22.3] }] }, T0 - HOUR);
});

const offerBody = (): StockBody => committedOffer(SEED);

/** A resident's offer of 10 masks, claimed by the three households, drawn: one place, two waiting. */
async function drawnOffer() {
  const offer = await sign(organiser, 'stock', offerBody(), T0 - MINUTE);
  const claims = await Promise.all(
    households.map((h) =>
      sign(h, 'claim', { offer: offer.id, qty: 5, groups: [], slots: [0], delivery: false }, T0 + MINUTE),
    ),
  );
  const draw = await sign(
    organiser,
    'draw',
    { offer: offer.id, seed: SEED, claims: claims.map((c) => c.id).sort() },
    T0 + 31 * MINUTE,
  );
  return { offer, claims, draw, records: [site, offer, ...claims, draw] };
}

function aboutOffer(from: Identity, to: AuthorKey, offer: RecordId, ms: number): Promise<AnyRecord> {
  return sign(from, 'message', { offer, to, box }, ms);
}

function fold(records: readonly AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add(records);
  return f;
}

const ids = (records: readonly { id: RecordId }[]) => records.map((r) => r.id);

describe('a message about a stock offer', () => {
  it('is a record of its own shape; a message about a post keeps its old shape', async () => {
    const { offer } = await drawnOffer();
    const about = await aboutOffer(organiser, households[0]!.author, offer.id, T0 + 32 * MINUTE);
    const post = await signPost(households[0]!, postBody(), T0);
    const old = await sign(organiser, 'message', { post: post.id, to: households[0]!.author, box }, T0);
    expect(parseRecord(stored(about)).ok).toBe(true);
    expect(parseRecord(stored(old)).ok).toBe(true);
    const both = { ...stored(about), body: { offer: offer.id, post: post.id, to: households[0]!.author, box } };
    expect(parseRecord(both).ok).toBe(false);
    // A box is bound to what it is about: one sealed about the offer does not open as about a post.
    expect(messageBinding({ offer: offer.id, to: 'x' }, 'y')).not.toBe(
      messageBinding({ post: offer.id, to: 'x' }, 'y'),
    );
  });

  it('counts between the organiser and a household that claimed, both ways, and for nobody else', async () => {
    const { offer, records } = await drawnOffer();
    const [first, second] = households as [Identity, Identity];
    const result = await aboutOffer(organiser, first.author, offer.id, T0 + 32 * MINUTE);
    const reply = await aboutOffer(first, organiser.author, offer.id, T0 + 33 * MINUTE);
    const f = fold([...records, result, reply]);
    expect(ids(f.messagesWith(first.author))).toEqual([result.id, reply.id]);
    expect(ids(f.messagesWith(organiser.author))).toEqual([result.id, reply.id]);
    expect(f.messagesWith(second.author)).toEqual([]);
  });

  it('refuses a "result" forged by anyone but the organiser, one to a household that did not claim, and one between households', async () => {
    const { offer, records } = await drawnOffer();
    const [first, second] = households as [Identity, Identity];
    const forged = await aboutOffer(stranger, first.author, offer.id, T0 + 32 * MINUTE);
    const byFounder = await aboutOffer(founder, first.author, offer.id, T0 + 32 * MINUTE);
    const toStranger = await aboutOffer(organiser, stranger.author, offer.id, T0 + 32 * MINUTE);
    const between = await aboutOffer(first, second.author, offer.id, T0 + 32 * MINUTE);
    const toSelf = await aboutOffer(organiser, organiser.author, offer.id, T0 + 32 * MINUTE);
    const f = fold([...records, forged, byFounder, toStranger, between, toSelf]);
    for (const who of [first, second, stranger, organiser, founder]) expect(f.messagesWith(who.author)).toEqual([]);
    const judge = (record: AnyRecord) => {
      const message = record as VerifiedRecord<'message'>;
      return KINDS.message.authorise(message, f.messageSubject(message.body), f.authority);
    };
    expect(judge(forged)).toEqual({ ok: false, reason: 'not-organiser' });
    expect(judge(byFounder)).toEqual({ ok: false, reason: 'not-organiser' });
    expect(judge(toStranger)).toEqual({ ok: false, reason: 'not-claimant' });
    expect(judge(between)).toEqual({ ok: false, reason: 'not-organiser' });
    expect(judge(toSelf)).toEqual({ ok: false, reason: 'not-yourself' });
    // Naming a post's id as an offer does not make it one.
    const post = await signPost(first, postBody(), T0);
    const wrong = await aboutOffer(organiser, first.author, post.id, T0 + 32 * MINUTE);
    expect(judge(wrong)).toEqual({ ok: false, reason: 'unknown-offer' });
  });

  it('counts the same in any arrival order of offer, claims, draw and messages, and never waits to be dropped', async () => {
    const { offer, records } = await drawnOffer();
    const [first] = households as [Identity];
    const messages = [
      await aboutOffer(organiser, first.author, offer.id, T0 + 32 * MINUTE),
      await aboutOffer(first, organiser.author, offer.id, T0 + 33 * MINUTE),
      await aboutOffer(stranger, first.author, offer.id, T0 + 34 * MINUTE),
    ];
    const all = [...records, ...messages];
    const expected = ids(fold(all).messagesWith(first.author));
    expect(expected).toEqual(ids(messages.slice(0, 2)));
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length }), fc.integer({ min: 1, max: 3 }), (order, n) => {
        const f = new BoardFold(founder.author);
        for (let i = 0; i < order.length; i += n) {
          f.add(order.slice(i, i + n));
          // Retention never takes a message about an offer for one waiting for a post.
          expect(orphansToDrop(f.waiting(), T0 + ORPHAN_TTL_MS * 10)).toEqual([]);
        }
        expect(ids(f.messagesWith(first.author))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the results an organiser tells', () => {
  it('carry a typed result the claimant words itself; a modified client’s malformed result is no message', () => {
    const won = { status: 'won', qty: 5, place: { point: 'Lobby B', start: T0 + HOUR, end: T0 + 2 * HOUR } };
    expect(parseMessageContent(JSON.stringify({ stock: won }))).toEqual({ stock: won });
    expect(parseMessageContent(JSON.stringify({ stock: { status: 'waiting', position: 2 } }))).toEqual({
      stock: { status: 'waiting', position: 2 },
    });
    expect(parseMessageContent(JSON.stringify({ stock: { status: 'won', qty: 0, place: 'delivery' } }))).toBeNull();
    expect(parseMessageContent(JSON.stringify({ stock: { status: 'first', position: 1 } }))).toBeNull();
    // A later version's content still shows what this one reads of it.
    expect(parseMessageContent(JSON.stringify({ text: 'hello', later: { x: 1 } }))).toEqual({ text: 'hello' });
  });

  it('follow the fold: each household once after the draw, again only when its place changed', async () => {
    const { offer, records } = await drawnOffer();
    const f = fold(records);
    const state = f.stockOffer(offer.id)!;
    const none = resultsToTell([state], organiser.author, () => undefined);
    expect(none.map((r) => [r.to, r.result.status]).sort()).toEqual(
      state.claims.map((c) => [c.author, c.status === 'won' ? 'won' : 'waiting']).sort(),
    );
    // Nobody else's device tells them, and nothing is told before the draw.
    expect(resultsToTell([state], households[0]!.author, () => undefined)).toEqual([]);
    const undrawn = fold(records.slice(0, -1)).stockOffer(offer.id)!;
    expect(resultsToTell([undrawn], organiser.author, () => undefined)).toEqual([]);

    const told = new Map(none.map((r) => [r.to, r.result]));
    expect(resultsToTell([state], organiser.author, (_, h) => told.get(h))).toEqual([]);
    // The winner declines: the first on the wait list moves up and is told; the second only moved up the list.
    const winner = state.claims.find((c) => c.status === 'won')!;
    const decliner = households.find((h) => h.author === winner.author)!;
    f.add([await sign(decliner, 'handover', { claim: winner.id, action: 'declined' }, T0 + 40 * MINUTE)]);
    const after = f.stockOffer(offer.id)!;
    const movedUp = after.claims.find((c) => c.status === 'won')!;
    expect(resultsToTell([after], organiser.author, (_, h) => told.get(h))).toEqual([
      { offer: offer.id, to: movedUp.author, result: resultOf(after, movedUp) },
    ]);
    expect(resultOf(after, movedUp)).toEqual({
      status: 'won',
      qty: 5,
      place: { point: 'Lobby B', start: T0 + HOUR, end: T0 + 2 * HOUR },
    });
  });
});
