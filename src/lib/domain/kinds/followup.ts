import * as v from 'valibot';
import { hlcMs } from '../hlc.ts';
import { ALLOWED, refused } from '../reasons.ts';
import { recordRef } from './fields.ts';
import type { KindRule } from './kind.ts';
import { sealedBoxSchema } from './message.ts';
import type { PostSubject } from './post.ts';

const HOUR_MS = 3_600_000;

/** Bounds on the volunteers' desk every device enforces when folding. */
export const DESK_LIMITS = {
  /** The furthest ahead a post may be deferred. */
  deferMaxMs: 7 * 24 * HOUR_MS,
  /** Base64url characters of a sealed note, as for a message. */
  noteSealedChars: 6000,
  /** Readers a note may be sealed to: the volunteers, the founder and the writer. */
  noteReaders: 60,
} as const;

/**
 * How a follow-up ended, as Crisis Cleanup's work orders put it. All but `unreachable` close
 * the need on the desk (until its author renews it).
 */
export const DESK_OUTCOMES = [
  'helped',
  'done-by-others',
  'no-longer-needed',
  'unreachable',
  'duplicate',
  'hospital',
] as const;
export type DeskOutcome = (typeof DESK_OUTCOMES)[number];

/** Why a follow-up waits. NOTE: codes, not free text, by design: detail goes in a sealed note. */
export const DEFER_REASONS = ['awaiting-reply', 'on-the-way', 'night', 'other'] as const;
export type DeferReason = (typeof DEFER_REASONS)[number];

/** A note's box: sealed to every volunteer's, the founder's and the writer's encryption key. */
export const NoteBoxSchema = sealedBoxSchema(DESK_LIMITS.noteSealedChars, DESK_LIMITS.noteReaders);

const post = recordRef;
export const FollowupBodySchema = v.variant('action', [
  /** "Follow up": this volunteer takes the post on (seen by the other volunteers). */
  v.strictObject({ action: v.literal('claim'), post }),
  /** Gives the post back to the desk. */
  v.strictObject({ action: v.literal('release'), post }),
  v.strictObject({ action: v.literal('outcome'), post, outcome: v.picklist(DESK_OUTCOMES) }),
  /** Off the desk until `until` (milliseconds since the epoch). */
  v.strictObject({
    action: v.literal('defer'),
    post,
    reason: v.picklist(DEFER_REASONS),
    until: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  /** A note for volunteers only, sealed to them. */
  v.strictObject({ action: v.literal('note'), post, box: NoteBoxSchema }),
]);
export type FollowupBody = v.InferOutput<typeof FollowupBodySchema>;
export type FollowupAction = FollowupBody['action'];

/**
 * The volunteers' desk work on a post: claims, releases, outcomes, deferrals and sealed notes.
 * Only the founder and volunteers may write them, and every device judges that again when
 * folding, so a resident's forged outcome is ignored. How many posts a volunteer may claim at once,
 * and for how long, is judged over all their claims (CLAIM_LIMITS, domain/desk.ts).
 */
export const followupKind: KindRule<FollowupBody, PostSubject> = {
  subjectOf: (record) => record.body.post,
  authorise: (record, subject, authority) => {
    if (subject === undefined) return refused('unknown-post');
    if (!authority.canModerate(record.author)) return refused('not-volunteer');
    if (record.body.action === 'defer') {
      const at = hlcMs(record.at);
      if (record.body.until <= at || record.body.until > at + DESK_LIMITS.deferMaxMs) return refused('invalid');
    }
    return ALLOWED;
  },
};
