import * as v from 'valibot';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import { LIMITS } from './field-limits.ts';
import { authorKey, recordRef, sealKey } from './fields.ts';
import type { Authored, KindRule } from './kind.ts';
import type { PostSubject } from './post.ts';

/** Bounds on messages every device enforces; the text bound is checked once a message is opened. */
export const MESSAGE_LIMITS = {
  /** Characters of one message's text. */
  text: 1000,
  /**
   * Base64url characters of a sealed message: 1,000 characters of four UTF-8 bytes each, with the
   * JSON around them and the GCM tag, fit with room to spare; anything longer is not a message.
   */
  sealedChars: 6000,
  /** Messages (and receipts, which are messages too) one key may send in any hour. */
  perHour: 60,
} as const;

const b64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/, 'invalid'));

/**
 * A sealed box (crypto/seal.ts): the text under a random content key (AES-256-GCM, nonce `n`),
 * and that key wrapped once for each reader. Each wrap holds an ephemeral public key `e` and the
 * wrapped key `w` (12-byte nonce, 32-byte key, 16-byte tag). At most `maxChars` of ciphertext and
 * `maxReaders` wraps.
 */
export const sealedBoxSchema = (maxChars: number, maxReaders: number) =>
  v.strictObject({
    n: v.pipe(b64, v.length(16, 'invalid')),
    c: v.pipe(b64, v.minLength(22, 'invalid'), v.maxLength(maxChars, 'too-long')),
    k: v.pipe(
      v.array(v.strictObject({ e: sealKey, w: v.pipe(b64, v.length(80, 'invalid')) })),
      v.minLength(1, 'invalid'),
      v.maxLength(maxReaders, 'too-long'),
    ),
  });

/** A message's box: its two readers are the recipient and the sender. */
export const SealedBoxSchema = sealedBoxSchema(MESSAGE_LIMITS.sealedChars, 2);
export type SealedBox = v.InferOutput<typeof SealedBoxSchema>;

/**
 * A message is about a post (as every message before stock offers was) or about a stock offer:
 * two shapes, so a record of either is exactly one of them.
 */
export const MessageBodySchema = v.union([
  v.strictObject({ post: recordRef, to: authorKey, box: SealedBoxSchema }),
  v.strictObject({ offer: recordRef, to: authorKey, box: SealedBoxSchema }),
]);
export type MessageBody = v.InferOutput<typeof MessageBodySchema>;

/** What a conversation is about: a post, or a stock offer. */
export type MessageAbout = { readonly post: PostId } | { readonly offer: RecordId };

/** The post or offer a message is about. */
export function aboutOf(body: MessageBody): MessageAbout {
  return 'post' in body ? { post: body.post } : { offer: body.offer };
}

/** Who may write about a stock offer: its organiser, and the households whose claims on it count. */
export interface OfferParties {
  readonly id: RecordId;
  readonly author: AuthorKey;
  hasClaimant(household: AuthorKey): boolean;
}

/** What a message is judged against: the post it is about, or the parties of the offer. */
export type MessageSubject = { readonly post: PostSubject } | { readonly offer: OfferParties };

/**
 * A private message about a post or a stock offer, sealed to its recipient (and to its sender,
 * who reads their own copy). NOTE: who writes to whom about which post or offer is readable by
 * every member, by design (SECURITY.md); only the text is sealed. A conversation about a post is
 * between the post's author and one other resident; one about an offer between its organiser and
 * a household that claimed from it (the organiser's device sends each its result).
 */
export const messageKind: KindRule<MessageBody, MessageSubject> = {
  subjectOf: (record) => ('post' in record.body ? record.body.post : null),
  authorise: (record, subject) =>
    'post' in record.body
      ? judgeAboutPost(record, subject && 'post' in subject ? subject.post : undefined)
      : judgeAboutOffer(record, record.body.offer, subject && 'offer' in subject ? subject.offer : undefined),
};

function judgeAboutPost(record: Authored<MessageBody>, post: PostSubject | undefined): Verdict {
  if (post === undefined) return refused('unknown-post');
  if (record.body.to === record.author) return refused('not-yourself');
  if (record.author !== post.author && record.body.to !== post.author) return refused('not-author');
  return ALLOWED;
}

function judgeAboutOffer(record: Authored<MessageBody>, id: RecordId, offer: OfferParties | undefined): Verdict {
  if (offer === undefined || offer.id !== id) return refused('unknown-offer');
  const { author, body } = record;
  if (body.to === author) return refused('not-yourself');
  const household = author === offer.author ? body.to : body.to === offer.author ? author : undefined;
  if (household === undefined) return refused('not-organiser');
  return offer.hasClaimant(household) ? ALLOWED : refused('not-claimant');
}

/**
 * What a message's box is bound to (AES-GCM additional data): its post or offer, sender and
 * recipient, so a box copied into a record of another sender, recipient, post or offer does not open.
 */
export function messageBinding(body: MessageAbout & { readonly to: string }, author: string): string {
  return 'post' in body
    ? `kaifong message v1|${body.post}|${author}|${body.to}`
    : `kaifong offer message v1|${body.offer}|${author}|${body.to}`;
}

/** The length of a message as a resident counts it: in characters (code points), not UTF-16 units. */
export function messageLength(text: string): number {
  return [...text].length;
}

/** Where a handover happens: left at the lobby, or met at the door. */
export const HANDOVER_PLACES = ['lobby', 'door'] as const;
export type HandoverPlace = (typeof HANDOVER_PLACES)[number];

/** A proposed handover: where, and when (as the resident wrote it, e.g. "19:00"). */
export interface Handover {
  readonly place: HandoverPlace;
  readonly time: string;
}

/**
 * A household's result in a stock offer's draw, as its organiser's device tells it: a place (a
 * pickup slot's point and time window, or delivery) with a quantity, a place on the wait list,
 * or nothing for a household that had its share from other offers. The claimant's device words
 * it in the claimant's own language, and shows the draw it computes itself where the two differ.
 */
export type StockResult =
  | { readonly status: 'won'; readonly qty: number; readonly place: PickupPlace }
  | { readonly status: 'waiting'; readonly position: number }
  | { readonly status: 'over-limit' };

/** Where a won place is collected: a pickup slot's point and window, or delivery by a volunteer. */
export type PickupPlace = { readonly point: string; readonly start: number; readonly end: number } | 'delivery';

const whole = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));
const StockResultSchema = v.variant('status', [
  v.strictObject({
    status: v.literal('won'),
    qty: whole(1),
    place: v.union([
      v.literal('delivery'),
      v.strictObject({ point: v.pipe(v.string(), v.maxLength(LIMITS.building)), start: whole(0), end: whole(0) }),
    ]),
  }),
  v.strictObject({ status: v.literal('waiting'), position: whole(1) }),
  v.strictObject({ status: v.literal('over-limit') }),
]);

/** What the sealed text of a message says, once opened: a line, a handover, a confirmation, a stock result, receipts. */
export interface MessageContent {
  /** The line the resident wrote; absent in a receipt. */
  readonly text?: string;
  /** Ids of the other side's messages this device received ("delivered"). */
  readonly ack?: readonly string[];
  /** A handover proposed in this message. */
  readonly handover?: Handover;
  /** The id of the other side's proposal this message confirms. */
  readonly confirms?: string;
  /** A stock offer's result for the household written to. */
  readonly stock?: StockResult;
}

// NOTE: keys this version does not know are ignored, not refused: a later version's content
// still shows what this one reads of it (its text, say).
const ContentSchema = v.object({
  text: v.optional(v.string()),
  handover: v.optional(
    v.strictObject({ place: v.picklist(HANDOVER_PLACES), time: v.pipe(v.string(), v.maxLength(40)) }),
  ),
  confirms: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/))),
  ack: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/))), v.maxLength(200))),
  stock: v.optional(StockResultSchema),
});

/** Parses an opened message's content; null when a modified client sealed something else. */
export function parseMessageContent(json: string): MessageContent | null {
  try {
    const parsed = v.safeParse(ContentSchema, JSON.parse(json));
    if (!parsed.success) return null;
    const { text, ack, handover, confirms, stock } = parsed.output;
    // NOTE: the bound is in characters a resident counts (code points), as the textbox counts them.
    if (text !== undefined && messageLength(text) > MESSAGE_LIMITS.text) return null;
    return {
      ...(text !== undefined ? { text } : {}),
      ...(ack ? { ack } : {}),
      ...(handover ? { handover } : {}),
      ...(confirms ? { confirms } : {}),
      ...(stock ? { stock } : {}),
    };
  } catch {
    return null;
  }
}
