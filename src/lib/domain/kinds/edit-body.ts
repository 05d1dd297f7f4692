import * as v from 'valibot';
import { LIMITS } from './field-limits.ts';
import { recordRef, text } from './fields.ts';
import { DateSchema, ItemListSchema, WhereSchema } from './post-body.ts';

// The body schema of an edit record (kinds/edit.ts holds its rule).

export const EditBodySchema = v.strictObject({
  post: recordRef,
  items: ItemListSchema,
  wants: v.optional(ItemListSchema),
  where: WhereSchema,
  note: text(LIMITS.note),
  medicineExpiry: v.optional(DateSchema),
});
export type EditBody = v.InferOutput<typeof EditBodySchema>;
