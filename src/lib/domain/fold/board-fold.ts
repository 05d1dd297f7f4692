import type { Authority } from '../authority.ts';
import type { Hlc } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId, RoomId } from '../ids.ts';
import type { ProfileBody } from '../kinds/profile.ts';
import type { SiteBody } from '../kinds/site.ts';
import type { ClaimBody } from '../kinds/claim.ts';
import type { ClaimSubject } from '../kinds/handover.ts';
import type { MessageBody, MessageSubject } from '../kinds/message.ts';
import type { StockSite } from '../kinds/stock.ts';
import { extendKinds, LATE_KINDS, type AnyRecord, type RecordKind } from '../kinds/registry.ts';
import { refused, type Verdict } from '../reasons.ts';
import type { BoardView, ReviewItem } from './board-view.ts';
import type { EpochRecord } from './epochs.ts';
import type { FollowupRecord } from './followups.ts';
import { HeldRecords, postOfLate } from './held.ts';
import { Intake } from './intake.ts';
import type { LateFold, LateKinds } from './late-fold.ts';
import type { MessageRecord } from './messages.ts';
import type { MoveRecord } from './moves.ts';
import type { PostState } from './post-state.ts';
import { PostsSlice, type ForeignRecord, type PostRecordOf } from './posts.ts';
import { ProfilesSlice, type Member } from './profiles.ts';
import { ReportsSlice } from './reports.ts';
import { emptyChange, type ChangeBuilder, type FoldChange, type FoldSlice } from './slice.ts';
import { SiteSlice } from './site.ts';
import { SquareSlice } from './square.ts';
import type { OfferState } from './stock.ts';
import { TrustSlice, type ModerationEntry } from './trust.ts';

/** The late kinds' chunk, once it arrived: folds made from then on fold every kind at once. */
let arrived: LateKinds | null = null;

/** Makes the late kinds readable, and folds made from now on start with them. */
export function useLateKinds(late: LateKinds): void {
  arrived = late;
  extendKinds(late.rules);
}

const LATE: ReadonlySet<RecordKind> = new Set(LATE_KINDS);

/**
 * The incremental fold from verified records to board state, composed of slices: trust first
 * (the authority every rule judges with), then posts, profiles, reports, the square and the site,
 * then the late kinds' slices (fold/late-fold.ts: messages, moves, stock, follow-ups, epochs),
 * which a board gets right after its list painted (`extend`). Until then a record of a late kind
 * is held, in the fold's records, and judged once they arrive: the result depends only on the
 * set of records added, never on their order, nor on when the late kinds arrived. Records dated
 * ahead of `now` wait, unfolded, until their time comes (fold/intake.ts, `releaseDue`).
 */
export class BoardFold implements BoardView {
  readonly #trust: TrustSlice;
  readonly #posts = new PostsSlice();
  readonly #profiles = new ProfilesSlice();
  readonly #reports = new ReportsSlice();
  readonly #square = new SquareSlice();
  readonly #site = new SiteSlice();
  readonly #slices: FoldSlice[] = [this.#posts, this.#profiles, this.#reports, this.#square, this.#site];
  readonly #sliceOf = new Map<RecordKind, FoldSlice>();
  #late: LateFold | null = null;
  readonly #held = new HeldRecords();
  readonly #intake: Intake;

  /**
   * `now`: this device's clock; without one nothing is held as dated ahead (pure tests, probes).
   * `late`: the late kinds, if they arrived already (null: hold their records until `extend`).
   */
  constructor(
    founder: AuthorKey,
    now: () => number = () => Number.POSITIVE_INFINITY,
    late: LateKinds | null = arrived,
  ) {
    this.#trust = new TrustSlice(founder);
    this.#intake = new Intake(now);
    for (const slice of this.#slices) for (const kind of slice.kinds) this.#sliceOf.set(kind, slice);
    if (late) this.extend(late);
  }

  /** Whether the late kinds' slices are here: until then their records are held, not judged. */
  get extended(): boolean {
    return this.#late !== null;
  }

  /** Takes the late kinds' slices and folds the records held for them; returns what changed. */
  extend(late: LateKinds): FoldChange {
    const change = emptyChange();
    if (this.#late) return change;
    useLateKinds(late);
    const fold = (this.#late = late.fold(() => this.#site.current));
    this.#slices.push(fold);
    for (const kind of fold.kinds) this.#sliceOf.set(kind, fold);
    this.#fold(this.#held.release(), this.#trust.authority, change);
    return change;
  }

  /** Folds the records held as dated ahead whose time has come; returns what changed. */
  releaseDue(): FoldChange {
    return this.add([]);
  }

  /** Adds verified records; returns what changed. Records already seen are ignored. */
  add(records: Iterable<AnyRecord>): FoldChange {
    const change = emptyChange();
    const fresh: AnyRecord[] = [];
    for (const record of this.#intake.take(records)) {
      if (this.#trust.kinds.includes(record.kind)) this.#trust.add(record);
      else fresh.push(record);
    }
    const authorityChanged = this.#trust.settle();
    const authority = this.#trust.authority;
    if (authorityChanged) for (const slice of this.#slices) slice.rejudge(authority, change);
    this.#fold(fresh, authority, change);
    return change;
  }

  /** Adds records to their slices and settles them (the authority is settled already). */
  #fold(records: readonly AnyRecord[], authority: Authority, change: ChangeBuilder): void {
    for (const record of records) {
      // A message or follow-up of an erased post goes with it, as its updates do.
      const post = postOfLate(record);
      if (post !== null && this.#posts.isErased(post)) change.dropped.add(record.id);
      else if (LATE.has(record.kind) && !this.#late) this.#held.hold(record);
      else this.#sliceOf.get(record.kind)?.add(record, change);
    }
    for (const slice of this.#slices) slice.settle(authority, change);
    const erased = [...change.posts].filter((post) => this.#posts.isErased(post));
    if (erased.length > 0) this.#forgetLate(erased, change).forEach((id) => change.dropped.add(id));
    this.#intake.forget(change.dropped);
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
    const posts = [...ids];
    for (const id of posts) {
      this.#intake.forget(this.recordIdsOf(id));
      this.#posts.forget(id, this.#trust.authority, change);
      change.posts.add(id);
    }
    this.#forgetLate(posts, change);
    return change;
  }

  /** Forgets the late kinds' records about these posts, folded or held; returns their ids. */
  #forgetLate(posts: readonly PostId[], change: ChangeBuilder): RecordId[] {
    return this.#late?.forgetPosts(posts, this.#trust.authority, change) ?? this.#held.forgetPosts(posts);
  }

  /** Forgets a record still waiting for its post (a peer pruned the post, or it waited too long). */
  forgetWaiting(record: RecordId, post: PostId): void {
    if (this.#posts.has(post)) return;
    this.#posts.forgetWaiting(record, post);
    this.#held.forget(record);
    this.#late?.forgetWaiting(record, this.#trust.authority, emptyChange());
    this.#intake.forget([record]);
  }

  isErased(id: PostId): boolean {
    return this.#posts.isErased(id);
  }

  *waiting(): Iterable<PostRecordOf | MessageRecord> {
    yield* this.#posts.waiting();
    if (this.#late) yield* this.#late.waiting((post) => this.#posts.has(post));
  }

  followupsOf(id: PostId): FollowupRecord[] {
    return this.#late?.followupsOf(id, this.#posts.post(id), this.#trust.authority) ?? [];
  }

  followedPosts(): Iterable<PostId> {
    return this.#late?.followedPosts() ?? [];
  }

  messagesWith(member: AuthorKey): MessageRecord[] {
    return this.#late?.messagesWith(member, (id) => this.#posts.post(id), this.#trust.authority) ?? [];
  }

  messageSubject(body: MessageBody): MessageSubject | undefined {
    return this.#late?.messageSubject(body, (id) => this.#posts.post(id));
  }

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
    return this.#late?.stockOffers() ?? [];
  }

  stockOffer(id: RecordId): OfferState | undefined {
    return this.#late?.stockOffer(id);
  }

  claimSubject(id: RecordId): ClaimSubject | undefined {
    return this.#late?.claimSubject(id);
  }

  judgeClaim(author: AuthorKey, body: ClaimBody): Verdict {
    return this.#late?.judgeClaim(author, body) ?? refused('opening');
  }

  movedFrom(room: RoomId): MoveRecord | undefined {
    return this.#late?.movedFrom(room);
  }

  epoch(): EpochRecord | undefined {
    return this.#late?.epoch();
  }

  recordIdsOf(id: PostId): RecordId[] {
    return [...this.#posts.recordIdsOf(id), ...(this.#late?.idsOf(id) ?? this.#held.about(id))];
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
    return this.#reports.queue((id) => this.#posts.post(id), this.#trust.authority);
  }

  heldReason(id: PostId): Verdict | undefined {
    return this.#posts.heldReason(id);
  }

  judgeNewPost(author: AuthorKey, at: Hlc): Verdict {
    return this.#posts.judgeNew(author, at, this.#trust.authority);
  }

  get futureCount(): number {
    return this.#intake.futureCount;
  }

  get recordCount(): number {
    return this.#intake.count;
  }
}
