import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import { authorKey, recordRef, sealKey } from './fields.ts';
import type { KindSpec } from './kind.ts';
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

export const MessageBodySchema = v.strictObject({ post: recordRef, to: authorKey, box: SealedBoxSchema });
export type MessageBody = v.InferOutput<typeof MessageBodySchema>;

/**
 * A private message about a post, sealed to its recipient (and to its sender, who reads their
 * own copy). NOTE: who writes to whom about which post is readable by every member, by design
 * (SECURITY.md); only the text is sealed. A conversation is between the post's author and one
 * other resident.
 */
export const messageKind: KindSpec<MessageBody, PostSubject> = {
  body: MessageBodySchema,
  subjectOf: (record) => record.body.post,
  authorise: (record, post) => {
    if (post === undefined) return refused('unknown-post');
    if (record.body.to === record.author) return refused('not-yourself');
    if (record.author !== post.author && record.body.to !== post.author) return refused('not-author');
    return ALLOWED;
  },
};

/**
 * What a message's box is bound to (AES-GCM additional data): its post, sender and recipient,
 * so a box copied into a record of another sender, recipient or post does not open.
 */
export function messageBinding(body: { readonly post: string; readonly to: string }, author: string): string {
  return `kaifong message v1|${body.post}|${author}|${body.to}`;
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

/** What the sealed text of a message says, once opened: a line, a handover, a confirmation, receipts. */
export interface MessageContent {
  /** The line the resident wrote; absent in a receipt. */
  readonly text?: string;
  /** Ids of the other side's messages this device received ("delivered"). */
  readonly ack?: readonly string[];
  /** A handover proposed in this message. */
  readonly handover?: Handover;
  /** The id of the other side's proposal this message confirms. */
  readonly confirms?: string;
}

const ContentSchema = v.strictObject({
  text: v.optional(v.string()),
  handover: v.optional(
    v.strictObject({ place: v.picklist(HANDOVER_PLACES), time: v.pipe(v.string(), v.maxLength(40)) }),
  ),
  confirms: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/))),
  ack: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/))), v.maxLength(200))),
});

/** Parses an opened message's content; null when a modified client sealed something else. */
export function parseMessageContent(json: string): MessageContent | null {
  try {
    const parsed = v.safeParse(ContentSchema, JSON.parse(json));
    if (!parsed.success) return null;
    const { text, ack, handover, confirms } = parsed.output;
    // NOTE: the bound is in characters a resident counts (code points), as the textbox counts them.
    if (text !== undefined && messageLength(text) > MESSAGE_LIMITS.text) return null;
    return {
      ...(text !== undefined ? { text } : {}),
      ...(ack ? { ack } : {}),
      ...(handover ? { handover } : {}),
      ...(confirms ? { confirms } : {}),
    };
  } catch {
    return null;
  }
}
