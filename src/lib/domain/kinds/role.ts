import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { RoleBody } from './role-body.ts';

export type { RoleBody } from './role-body.ts';

export const ROLE_ACTIONS = ['grant-volunteer', 'revoke-volunteer', 'hand-founder'] as const;
export type RoleAction = (typeof ROLE_ACTIONS)[number];

/**
 * The founder grants or revokes the volunteer role, or hands the founder role to another key (a
 * lost phone must not orphan a square). Role records are replayed in time order (TrustSlice), so
 * after a hand-over only the new founder's later records count.
 */
export const roleKind: KindRule<RoleBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) => {
    if (!authority.isFounder(record.author)) return refused('not-founder');
    if (record.body.member === record.author) return refused('not-yourself');
    return ALLOWED;
  },
};
