import type { Authority } from '../authority.ts';
import type { Hlc } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId, RoomId } from '../ids.ts';
import type { ClaimBody } from '../kinds/claim.ts';
import type { ClaimSubject } from '../kinds/handover.ts';
import type { MessageBody, MessageSubject } from '../kinds/message.ts';
import type { StockSite } from '../kinds/stock.ts';
import type { ProfileBody } from '../kinds/profile.ts';
import type { SiteBody } from '../kinds/site.ts';
import type { VerifiedRecord } from '../kinds/registry.ts';
import type { Verdict } from '../reasons.ts';
import type { EpochRecord } from './epochs.ts';
import type { FollowupRecord } from './followups.ts';
import type { MessageRecord } from './messages.ts';
import type { MoveRecord } from './moves.ts';
import type { PostState } from './post-state.ts';
import type { PostRecordOf } from './posts.ts';
import type { Member } from './profiles.ts';
import type { OfferState } from './stock.ts';
import type { ModerationEntry } from './trust.ts';

/** A reported post in the volunteers' review queue, with one report per reporter. */
export interface ReviewItem {
  readonly post: PostState;
  readonly reports: readonly VerifiedRecord<'report'>[];
}

/** What the rest of the app may read of a square's state; nothing here changes it. */
export interface BoardView {
  readonly authority: Authority;
  /** A post as shown: undefined while it is held back. */
  post(id: PostId): PostState | undefined;
  posts(): IterableIterator<PostState>;
  /** A post's state whether it is shown or held back (retention judges both alike). */
  postState(id: PostId): PostState | undefined;
  postStates(): IterableIterator<PostState>;
  /** Posts known, whatever their status. */
  readonly postCount: number;
  profile(author: AuthorKey): ProfileBody | undefined;
  /** How many keys go by this resident's name: more than 1 marks a possible impersonation. */
  sharesName(author: AuthorKey): number;
  squareName(): string | undefined;
  /** The founder's retention setting, if any. */
  retentionDays(): number | undefined;
  /** The compound's buildings and pickup points, as the founder or a volunteer last drew them. */
  site(): SiteBody | undefined;
  /** The site record that counts, which stock offers are judged with (kinds/stock.ts). */
  stockSite(): StockSite | undefined;
  /** Stock offers that count, newest first, with their claims and draws. */
  stockOffers(): OfferState[];
  stockOffer(id: RecordId): OfferState | undefined;
  /** A counted claim with its offer, for the handover rule. */
  claimSubject(id: RecordId): ClaimSubject | undefined;
  /** Whether a new claim by this household would count beyond the claim kind's rule (one per offer, limits across offers). */
  judgeClaim(author: AuthorKey, body: ClaimBody): Verdict;
  /** The founder's move of the square away from this room to a new link, if it moved. */
  movedFrom(room: RoomId): MoveRecord | undefined;
  /** The founder's latest fresh document (epoch), if the square ever started one. */
  epoch(): EpochRecord | undefined;
  /** Ids of every record about a post: the post itself, its updates and its messages. */
  recordIdsOf(id: PostId): RecordId[];
  /** Whether the post's author erased it: nothing about it is kept or taken back. */
  isErased(id: PostId): boolean;
  /** Records about posts this device does not have, waiting for them. */
  waiting(): Iterable<PostRecordOf | MessageRecord>;
  /** The volunteers' follow-ups that count on a post, oldest first (fold/followups.ts). */
  followupsOf(id: PostId): FollowupRecord[];
  /** Posts with any follow-up record, counted or not. */
  followedPosts(): Iterable<PostId>;
  /** The messages that count sent or received by a resident, oldest first (bounds in fold/messages.ts). */
  messagesWith(member: AuthorKey): MessageRecord[];
  /** What a message is judged against: its post, or the parties of its stock offer. */
  messageSubject(body: MessageBody): MessageSubject | undefined;
  /** Records that verified but were not allowed (e.g. someone else resolving my post). */
  readonly rejectedCount: number;
  /** Records folded. */
  readonly recordCount: number;
  /** Everyone with a profile, with when they were first seen. */
  members(): Member[];
  /** Every moderation record, oldest first, with whether it counts. */
  moderationLog(): readonly ModerationEntry[];
  /** Who vouched for a resident. */
  vouchersOf(member: AuthorKey): readonly AuthorKey[];
  /** Whether a block by someone who held a role names this key, whether it counts now or not. */
  wasBlocked(author: AuthorKey): boolean;
  /** Shown posts that members reported and no volunteer has hidden yet. */
  reviewQueue(): ReviewItem[];
  /** Why a post is held back (over its author's limits, or blocked), if it is. */
  heldReason(id: PostId): Verdict | undefined;
  /** Whether a new post by this author at this time would be within their limits. */
  judgeNewPost(author: AuthorKey, at: Hlc): Verdict;
  /** Records dated more than MAX_DRIFT_MS ahead of this device's clock, held until their time. */
  readonly futureCount: number;
}
