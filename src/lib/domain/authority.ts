import type { AuthorKey, PostId, RecordId } from './ids.ts';
import type { HideReason } from './kinds/moderation.ts';

/** A volunteer's hiding of a post, as its author and every member see it. */
export interface Hiding {
  /** The moderation record that hid it (what an undo names). */
  readonly record: RecordId;
  readonly by: AuthorKey;
  readonly reason: HideReason;
}

/**
 * Who may do what in a square, as every device computes it from the same records: the founder
 * (named by the invite link, or handed on with signed `role` records), the volunteers the founder
 * granted, the residents volunteers vouched for, and the keys and posts volunteers blocked or hid.
 * The fold computes it first, and kinds' rules judge against it.
 */
export interface Authority {
  /** The current founder: the invite's key, or whoever it was handed to. */
  readonly founder: AuthorKey;
  isFounder(author: AuthorKey): boolean;
  /** Granted the volunteer role (the founder is not listed, but may do all a volunteer does). */
  isVolunteer(author: AuthorKey): boolean;
  /** The founder or a volunteer: may vouch, hide, block and undo. */
  canModerate(author: AuthorKey): boolean;
  /** Vouched for by a volunteer (or the founder), and not blocked. */
  isVouched(author: AuthorKey): boolean;
  /** Blocked by a volunteer: every record of this key is ignored. */
  isBlocked(author: AuthorKey): boolean;
  /** Why a post is hidden, if a volunteer hid it. */
  hidingOf(post: PostId): Hiding | undefined;
}

/** What a square's trust records settle to; `trustAuthority` turns it into an Authority. */
export interface TrustState {
  readonly founder: AuthorKey;
  readonly volunteers: ReadonlySet<AuthorKey>;
  readonly vouched: ReadonlySet<AuthorKey>;
  readonly blocked: ReadonlySet<AuthorKey>;
  readonly hidden: ReadonlyMap<PostId, Hiding>;
}

/** The authority of a trust state. */
export function trustAuthority(state: TrustState): Authority {
  const { founder, volunteers, vouched, blocked, hidden } = state;
  return {
    founder,
    isFounder: (author) => author === founder,
    isVolunteer: (author) => volunteers.has(author),
    canModerate: (author) => author === founder || volunteers.has(author),
    // The founder and volunteers vouch by their role.
    isVouched: (author) =>
      !blocked.has(author) && (vouched.has(author) || author === founder || volunteers.has(author)),
    isBlocked: (author) => blocked.has(author),
    hidingOf: (post) => hidden.get(post),
  };
}

/** The authority of a square with no grants yet: the founder alone. */
export function founderAuthority(founder: AuthorKey): Authority {
  return trustAuthority({
    founder,
    volunteers: new Set(),
    vouched: new Set(),
    blocked: new Set(),
    hidden: new Map(),
  });
}
