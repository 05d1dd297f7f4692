import type { Authority } from '../authority.ts';
import { hlcMs, MAX_DRIFT_MS, type Hlc } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId, RoomId } from '../ids.ts';
import { judgeLimits, limitedPost, limitsOf } from '../limits.ts';
import type { ProfileBody } from '../kinds/profile.ts';
import type { SiteBody } from '../kinds/site.ts';
import type { ClaimBody } from '../kinds/claim.ts';
import type { ClaimSubject } from '../kinds/handover.ts';
import type { MessageBody, MessageSubject } from '../kinds/message.ts';
import type { StockSite } from '../kinds/stock.ts';
import { KINDS, subjectOf, type AnyRecord, type RecordKind, type VerifiedRecord } from '../kinds/registry.ts';
import { ALLOWED, type Verdict } from '../reasons.ts';
import { FollowupsSlice, type FollowupRecord } from './followups.ts';
import { EpochsSlice, type EpochRecord } from './epochs.ts';
import { messageSubject, MessagesSlice, type MessageRecord, type MessageSubjects } from './messages.ts';
import { MovesSlice, type MoveRecord } from './moves.ts';
import { PostsSlice, type ForeignRecord, type PostRecordOf, type PostState } from './posts.ts';
import { ProfilesSlice, type Member } from './profiles.ts';
import { ReportsSlice } from './reports.ts';
import { emptyChange, type FoldChange, type FoldSlice } from './slice.ts';
import { SiteSlice } from './site.ts';
import { SquareSlice } from './square.ts';
import { StockSlice, type OfferState } from './stock.ts';
import { TrustSlice, type ModerationEntry } from './trust.ts';

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

/**
 * The incremental fold from verified records to board state, composed of slices: trust first
 * (the authority every rule judges with), then posts, profiles, reports, the square, messages,
 * the site, moves, stock and epochs. The result depends only on the set of records added, never on their
 * order. Records dated more than MAX_DRIFT_MS ahead of `now` wait, unfolded, until their time
 * comes (`releaseDue`), so a post dated a year ahead cannot sit above everything.
 */
export class BoardFold implements BoardView {
  readonly #trust: TrustSlice;
  readonly #posts = new PostsSlice();
  readonly #profiles = new ProfilesSlice();
  readonly #reports = new ReportsSlice();
  readonly #square = new SquareSlice();
  readonly #messages = new MessagesSlice();
  readonly #site = new SiteSlice();
  readonly #moves = new MovesSlice();
  readonly #stock = new StockSlice(() => this.#site.current);
  readonly #followups = new FollowupsSlice();
  readonly #epochs = new EpochsSlice();
  readonly #slices: readonly FoldSlice[] = [
    this.#posts,
    this.#profiles,
    this.#reports,
    this.#square,
    this.#messages,
    this.#site,
    this.#moves,
    this.#stock,
    this.#followups,
    this.#epochs,
  ];
  readonly #sliceOf = new Map<RecordKind, FoldSlice>();
  readonly #seen = new Set<RecordId>();
  readonly #future: AnyRecord[] = [];
  readonly #now: () => number;

  /** `now`: this device's clock; without one nothing is held as dated ahead (pure tests, probes). */
  constructor(founder: AuthorKey, now: () => number = () => Number.POSITIVE_INFINITY) {
    this.#trust = new TrustSlice(founder);
    this.#now = now;
    for (const slice of this.#slices) for (const kind of slice.kinds) this.#sliceOf.set(kind, slice);
  }

  /** Folds the records held as dated ahead whose time has come; returns what changed. */
  releaseDue(): FoldChange {
    return this.add([]);
  }

  /** Adds verified records; returns what changed. Records already seen are ignored. */
  add(records: Iterable<AnyRecord>): FoldChange {
    const change = emptyChange();
    const fresh: AnyRecord[] = [];
    const horizon = this.#now() + MAX_DRIFT_MS;
    const due = this.#future.filter((record) => hlcMs(record.at) <= horizon);
    if (due.length > 0) {
      const waiting = this.#future.filter((record) => hlcMs(record.at) > horizon);
      this.#future.splice(0, this.#future.length, ...waiting);
    }
    for (const record of [...due, ...records]) {
      if (!due.includes(record)) {
        if (this.#seen.has(record.id)) continue;
        this.#seen.add(record.id);
        if (hlcMs(record.at) > horizon) {
          this.#future.push(record);
          continue;
        }
      }
      if (this.#trust.kinds.includes(record.kind)) this.#trust.add(record);
      else fresh.push(record);
    }
    const authorityChanged = this.#trust.settle();
    const authority = this.#trust.authority;
    if (authorityChanged) for (const slice of this.#slices) slice.rejudge(authority, change);
    for (const record of fresh) {
      // A message or follow-up of an erased post goes with it, as its updates do.
      const post = record.kind === 'message' || record.kind === 'followup' ? subjectOf(record) : null;
      if (post !== null && this.#posts.isErased(post)) change.dropped.add(record.id);
      else this.#sliceOf.get(record.kind)?.add(record, change);
    }
    for (const slice of this.#slices) slice.settle(authority, change);
    let erased = false;
    for (const post of change.posts) {
      if (!this.#posts.isErased(post)) continue;
      for (const id of this.#messages.forgetPost(post)) change.dropped.add(id);
      for (const id of this.#followups.forgetPost(post)) change.dropped.add(id);
      erased = true;
    }
    if (erased) this.#messages.settle(authority, change);
    for (const id of change.dropped) this.#seen.delete(id);
    return change;
  }

  /** Counts validly signed records of kinds this version cannot read toward their authors' limits. */
  addForeign(records: readonly ForeignRecord[]): FoldChange {
    const change = emptyChange();
    this.#posts.addForeign(records, this.#trust.authority, change);
    return change;
  }

  /**
   * Forgets posts and everything about them, their messages too (retention pruning); returns
   * which posts changed: those forgotten and any of their authors' posts the limits now let through.
   */
  forget(ids: Iterable<PostId>): FoldChange {
    const change = emptyChange();
    for (const id of ids) {
      for (const recordId of this.recordIdsOf(id)) this.#seen.delete(recordId);
      this.#posts.forget(id, this.#trust.authority, change);
      this.#messages.forgetPost(id);
      this.#followups.forgetPost(id);
      change.posts.add(id);
    }
    this.#messages.settle(this.#trust.authority, change);
    return change;
  }

  /** Forgets a record still waiting for its post (a peer pruned the post, or it waited too long). */
  forgetWaiting(record: RecordId, post: PostId): void {
    if (this.#posts.has(post)) return;
    this.#posts.forgetWaiting(record, post);
    this.#messages.forget(record);
    this.#messages.settle(this.#trust.authority, emptyChange());
    this.#seen.delete(record);
  }

  isErased(id: PostId): boolean {
    return this.#posts.isErased(id);
  }

  *waiting(): Iterable<PostRecordOf | MessageRecord> {
    yield* this.#posts.waiting();
    yield* this.#messages.waiting((post) => this.#posts.has(post));
  }

  followupsOf(id: PostId): FollowupRecord[] {
    return this.#followups.of(id, this.#posts.post(id), this.#trust.authority);
  }

  followedPosts(): Iterable<PostId> {
    return this.#followups.posts();
  }

  messagesWith(member: AuthorKey): MessageRecord[] {
    return this.#messages.messagesWith(member, this.#messageSubjects, this.#trust.authority);
  }

  messageSubject(body: MessageBody): MessageSubject | undefined {
    return messageSubject(body, this.#messageSubjects);
  }

  readonly #messageSubjects: MessageSubjects = {
    post: (id) => this.#posts.post(id),
    offer: (id) => this.#stock.parties(id),
  };

  get authority(): Authority {
    return this.#trust.authority;
  }

  post(id: PostId): PostState | undefined {
    return this.#posts.post(id);
  }

  postState(id: PostId): PostState | undefined {
    return this.#posts.postState(id);
  }

  postStates(): IterableIterator<PostState> {
    return this.#posts.postStates();
  }

  posts(): IterableIterator<PostState> {
    return this.#posts.posts();
  }

  get postCount(): number {
    return this.#posts.size;
  }

  profile(author: AuthorKey): ProfileBody | undefined {
    return this.#profiles.profile(author);
  }

  sharesName(author: AuthorKey): number {
    return this.#profiles.sharesName(author);
  }

  squareName(): string | undefined {
    return this.#square.current?.body.name;
  }

  retentionDays(): number | undefined {
    return this.#square.current?.body.retentionDays;
  }

  site(): SiteBody | undefined {
    return this.#site.current?.body;
  }

  stockSite(): StockSite | undefined {
    return this.#site.current;
  }

  stockOffers(): OfferState[] {
    return this.#stock.offers();
  }

  stockOffer(id: RecordId): OfferState | undefined {
    return this.#stock.offer(id);
  }

  claimSubject(id: RecordId): ClaimSubject | undefined {
    return this.#stock.claimSubject(id);
  }

  judgeClaim(author: AuthorKey, body: ClaimBody): Verdict {
    return this.#stock.judgeClaim(author, body);
  }

  movedFrom(room: RoomId): MoveRecord | undefined {
    return this.#moves.from(room);
  }

  epoch(): EpochRecord | undefined {
    return this.#epochs.current;
  }

  recordIdsOf(id: PostId): RecordId[] {
    return [...this.#posts.recordIdsOf(id), ...this.#messages.idsOf(id), ...this.#followups.idsOf(id)];
  }

  get rejectedCount(): number {
    const authority = this.#trust.authority;
    return this.#slices.reduce((sum, slice) => sum + slice.rejectedCount(authority), this.#trust.rejectedCount);
  }

  members(): Member[] {
    return this.#profiles.members();
  }

  moderationLog(): readonly ModerationEntry[] {
    return this.#trust.moderationLog();
  }

  vouchersOf(member: AuthorKey): readonly AuthorKey[] {
    return this.#trust.vouchersOf(member);
  }

  wasBlocked(author: AuthorKey): boolean {
    return this.#trust.wasBlocked(author);
  }

  reviewQueue(): ReviewItem[] {
    const authority = this.#trust.authority;
    const queue: ReviewItem[] = [];
    for (const [id, all] of this.#reports.reported()) {
      const post = this.#posts.post(id);
      if (!post || post.hidden) continue;
      const reports = all.filter(
        (r) => !authority.isBlocked(r.author) && KINDS.report.authorise(r, post, authority).ok,
      );
      if (reports.length > 0) queue.push({ post, reports });
    }
    return queue;
  }

  heldReason(id: PostId): Verdict | undefined {
    return this.#posts.heldReason(id);
  }

  judgeNewPost(author: AuthorKey, at: Hlc): Verdict {
    const authority = this.#trust.authority;
    if (authority.isBlocked(author)) return { ok: false, reason: 'blocked' };
    // NOTE: an id that sorts after every real one, so the new post is judged last among equals.
    const candidate = { id: '~' as RecordId, at, openUntilMs: Number.POSITIVE_INFINITY };
    const posts = [
      ...this.#posts
        .postsOf(author)
        .filter((p) => KINDS.post.authorise(p, undefined, authority).ok)
        .map(limitedPost),
      ...this.#posts.foreignOf(author),
    ];
    return judgeLimits([...posts, candidate], limitsOf(author, authority)).get(candidate.id) ?? ALLOWED;
  }

  get futureCount(): number {
    return this.#future.length;
  }

  get recordCount(): number {
    return this.#seen.size;
  }
}
