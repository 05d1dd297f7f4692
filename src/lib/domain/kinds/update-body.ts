import * as v from 'valibot';
import { LIMITS } from './field-limits.ts';
import { recordRef, text } from './fields.ts';
import { UPDATE_ACTIONS } from './update.ts';

// The body schema of an update record (kinds/update.ts holds its rule).

export const UpdateBodySchema = v.strictObject({
  post: recordRef,
  action: v.picklist(UPDATE_ACTIONS),
  note: v.optional(text(LIMITS.updateNote)),
});
export type UpdateBody = v.InferOutput<typeof UpdateBodySchema>;
