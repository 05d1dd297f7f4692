import type { ReasonCode } from './reason-codes.ts';

export type { ReasonCode } from './reason-codes.ts';

/** The outcome of a rule: allowed, or refused with a reason. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: ReasonCode };

export const ALLOWED: Verdict = { ok: true };

/** A refusal with its reason. */
export function refused(reason: ReasonCode): Verdict {
  return { ok: false, reason };
}
