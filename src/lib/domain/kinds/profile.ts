import * as v from 'valibot';
import { ALLOWED } from '../reasons.ts';
import { LIMITS, requiredText, text } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const ProfileBodySchema = v.strictObject({
  name: requiredText(LIMITS.name),
  building: v.optional(text(LIMITS.building)),
});
export type ProfileBody = v.InferOutput<typeof ProfileBodySchema>;

/** A resident's name and building; each key's latest profile counts. */
export const profileKind: KindSpec<ProfileBody, never> = {
  body: ProfileBodySchema,
  subjectOf: () => null,
  authorise: () => ALLOWED,
};
