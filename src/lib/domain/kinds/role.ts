import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import { authorKey } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const ROLE_ACTIONS = ['grant-volunteer', 'revoke-volunteer', 'hand-founder'] as const;
export type RoleAction = (typeof ROLE_ACTIONS)[number];

export const RoleBodySchema = v.strictObject({
  action: v.picklist(ROLE_ACTIONS),
  member: authorKey,
});
export type RoleBody = v.InferOutput<typeof RoleBodySchema>;

/**
 * The founder grants or revokes the volunteer role, or hands the founder role to another key (a
 * lost phone must not orphan a square). Role records are replayed in time order (TrustSlice), so
 * after a hand-over only the new founder's later records count.
 */
export const roleKind: KindSpec<RoleBody, never> = {
  body: RoleBodySchema,
  subjectOf: () => null,
  authorise: (record, _subject, authority) => {
    if (!authority.isFounder(record.author)) return refused('not-founder');
    if (record.body.member === record.author) return refused('not-yourself');
    return ALLOWED;
  },
};
