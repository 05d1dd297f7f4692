import type { Authority } from './authority.ts';
import type { AuthorKey } from './ids.ts';

export const BADGES = ['founder', 'volunteer', 'verified', 'blocked'] as const;
export type Badge = (typeof BADGES)[number];

/** The marks shown beside a resident's name, as the authority every device computes gives them. */
export function badgesOf(authority: Authority, author: AuthorKey): Badge[] {
  if (authority.isBlocked(author)) return ['blocked'];
  const badges: Badge[] = [];
  if (authority.isFounder(author)) badges.push('founder');
  else if (authority.isVolunteer(author)) badges.push('volunteer');
  if (authority.isVouched(author)) badges.push('verified');
  return badges;
}
