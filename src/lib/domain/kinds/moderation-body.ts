import * as v from 'valibot';
import { authorKey, recordRef } from './fields.ts';
import { MODERATION_REASONS } from './moderation.ts';

// The body schema of a moderation record (kinds/moderation.ts holds its rule).

export const ModerationBodySchema = v.variant('action', [
  v.strictObject({ action: v.literal('hide'), post: recordRef, reason: v.picklist(MODERATION_REASONS) }),
  v.strictObject({ action: v.literal('block'), member: authorKey, reason: v.picklist(MODERATION_REASONS) }),
  /** Takes back a hide or a block; any volunteer may undo any volunteer's action. */
  v.strictObject({ action: v.literal('undo'), moderation: recordRef }),
]);
export type ModerationBody = v.InferOutput<typeof ModerationBodySchema>;
