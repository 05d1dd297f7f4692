import type { AuthorKey } from './ids.ts';

/**
 * Who may do what in a square, as every device computes it from the same records: today the
 * founder named by the invite link; volunteers, vouches and blocks join it as their kinds land.
 * The fold computes it first, and kinds' rules judge against it.
 */
export interface Authority {
  readonly founder: AuthorKey;
  isFounder(author: AuthorKey): boolean;
}

/** The authority of a square with no grants yet: the founder alone. */
export function founderAuthority(founder: AuthorKey): Authority {
  return { founder, isFounder: (author) => author === founder };
}
