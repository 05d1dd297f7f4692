import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { ModerationBody } from './moderation-body.ts';

export type { ModerationBody } from './moderation-body.ts';

/** Why a post is reported or hidden: the reasons residents recognise from the 2022 boards. */
export const MODERATION_REASONS = ['resale', 'fake', 'abuse', 'personal-data'] as const;
export type HideReason = (typeof MODERATION_REASONS)[number];

/**
 * A volunteer hides a post (its author still sees it, with the reason), blocks a key (every
 * device ignores its records), or undoes either. NOTE: the founder and volunteers cannot be
 * blocked, by design: a block then never takes away the power to block, so the trust fold has
 * no cycles and settles the same way on every device. The founder revokes the role first.
 */
export const moderationKind: KindRule<ModerationBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) => {
    if (!authority.canModerate(record.author)) return refused('not-volunteer');
    const body = record.body;
    if (body.action === 'block' && authority.canModerate(body.member)) return refused('cannot-block-volunteer');
    return ALLOWED;
  },
};
