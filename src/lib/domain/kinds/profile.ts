import { ALLOWED } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { ProfileBody } from './profile-body.ts';

export type { ProfileBody } from './profile-body.ts';

/** A resident's name, building and encryption key; each key's latest profile counts. */
export const profileKind: KindRule<ProfileBody, never> = {
  subjectOf: () => null,
  authorise: () => ALLOWED,
};
