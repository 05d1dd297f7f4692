import * as v from 'valibot';
import { LIMITS } from './field-limits.ts';
import { nameText, sealKey, text } from './fields.ts';

// The body schema of a profile record (kinds/profile.ts holds its rule).

export const ProfileBodySchema = v.strictObject({
  name: nameText(LIMITS.name),
  building: v.optional(text(LIMITS.building)),
  /** The key messages to this resident are sealed to; optional, as profiles written before messages lack it. */
  seal: v.optional(sealKey),
});
export type ProfileBody = v.InferOutput<typeof ProfileBodySchema>;
