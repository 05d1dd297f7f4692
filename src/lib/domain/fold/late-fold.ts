import type { Authority } from '../authority.ts';
import type { AuthorKey, PostId, RecordId, RoomId } from '../ids.ts';
import type { ClaimBody } from '../kinds/claim.ts';
import type { ClaimSubject } from '../kinds/handover.ts';
import type { MessageBody, MessageSubject } from '../kinds/message.ts';
import type { StockSite } from '../kinds/stock.ts';
import type { PostSubject } from '../kinds/post.ts';
import type { AnyRecord, LateKind, LateRules, RecordKind } from '../kinds/registry.ts';
import type { Verdict } from '../reasons.ts';
import { EpochsSlice, type EpochRecord } from './epochs.ts';
import { FollowupsSlice, type FollowupRecord } from './followups.ts';
import { messageSubject, MessagesSlice, type MessageRecord, type MessageSubjects } from './messages.ts';
import { MovesSlice, type MoveRecord } from './moves.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';
import { StockSlice, type OfferState } from './stock.ts';

/** What the late chunk brings (domain/late-kinds.ts): the late kinds' rules, and what folds them. */
export interface LateKinds {
  readonly rules: LateRules;
  /** A fold of the late kinds' records, for one board whose site record that counts is `site`. */
  fold(site: () => StockSite | undefined): LateFold;
}

/**
 * The slices of the kinds the list's first paint does not need (kinds/registry.ts LATE_KINDS):
 * messages, moves, stock, follow-ups and epochs, composed as one slice of the board's fold. What
 * they share with posts (a post's messages and follow-ups go when it goes) is asked of them by
 * the board's fold, which owns posts.
 */
export class LateFold implements FoldSlice {
  readonly #messages = new MessagesSlice();
  readonly #moves = new MovesSlice();
  readonly #stock: StockSlice;
  readonly #followups = new FollowupsSlice();
  readonly #epochs = new EpochsSlice();
  readonly #slices: readonly FoldSlice[];
  readonly #sliceOf = new Map<RecordKind, FoldSlice>();
  readonly kinds: readonly LateKind[];

  constructor(site: () => StockSite | undefined) {
    this.#stock = new StockSlice(site);
    this.#slices = [this.#messages, this.#moves, this.#stock, this.#followups, this.#epochs];
    for (const slice of this.#slices) for (const kind of slice.kinds) this.#sliceOf.set(kind, slice);
    this.kinds = [...this.#sliceOf.keys()] as LateKind[];
  }

  add(record: AnyRecord, change: ChangeBuilder): void {
    this.#sliceOf.get(record.kind)?.add(record, change);
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    for (const slice of this.#slices) slice.settle(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    for (const slice of this.#slices) slice.rejudge(authority, change);
  }

  rejectedCount(authority: Authority): number {
    return this.#slices.reduce((sum, slice) => sum + slice.rejectedCount(authority), 0);
  }

  /** Forgets every message and follow-up of these posts (erased or pruned); returns their ids. */
  forgetPosts(posts: Iterable<PostId>, authority: Authority, change: ChangeBuilder): RecordId[] {
    const ids: RecordId[] = [];
    for (const post of posts) ids.push(...this.#messages.forgetPost(post), ...this.#followups.forgetPost(post));
    this.#messages.settle(authority, change);
    return ids;
  }

  /** Forgets a message still waiting for its post (a peer pruned the post, or it waited too long). */
  forgetWaiting(record: RecordId, authority: Authority, change: ChangeBuilder): void {
    this.#messages.forget(record);
    this.#messages.settle(authority, change);
  }

  /** Ids of every message and follow-up about a post. */
  idsOf(post: PostId): RecordId[] {
    return [...this.#messages.idsOf(post), ...this.#followups.idsOf(post)];
  }

  /** Messages whose post is not here (`has`), waiting for it. */
  waiting(has: (post: PostId) => boolean): Iterable<MessageRecord> {
    return this.#messages.waiting(has);
  }

  followupsOf(id: PostId, post: PostSubject | undefined, authority: Authority): FollowupRecord[] {
    return this.#followups.of(id, post, authority);
  }

  followedPosts(): Iterable<PostId> {
    return this.#followups.posts();
  }

  messagesWith(
    member: AuthorKey,
    post: (id: PostId) => PostSubject | undefined,
    authority: Authority,
  ): MessageRecord[] {
    return this.#messages.messagesWith(member, this.#subjects(post), authority);
  }

  /** What a message is judged against: its post (found by `post`), or the parties of its stock offer. */
  messageSubject(body: MessageBody, post: (id: PostId) => PostSubject | undefined): MessageSubject | undefined {
    return messageSubject(body, this.#subjects(post));
  }

  #subjects(post: (id: PostId) => PostSubject | undefined): MessageSubjects {
    return { post, offer: (id) => this.#stock.parties(id) };
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
}
