import * as v from 'valibot';
import { ALLOWED } from '../reasons.ts';
import { LIMITS, nameText, sealKey, text } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const ProfileBodySchema = v.strictObject({
  name: nameText(LIMITS.name),
  building: v.optional(text(LIMITS.building)),
  /** The key messages to this resident are sealed to; optional, as profiles written before messages lack it. */
  seal: v.optional(sealKey),
});
export type ProfileBody = v.InferOutput<typeof ProfileBodySchema>;

/** A resident's name, building and encryption key; each key's latest profile counts. */
export const profileKind: KindSpec<ProfileBody, never> = {
  body: ProfileBodySchema,
  subjectOf: () => null,
  authorise: () => ALLOWED,
};
