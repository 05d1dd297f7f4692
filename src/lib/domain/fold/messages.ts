import type { Authority } from '../authority.ts';
import { hlcMs } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import { MESSAGE_LIMITS, type MessageBody, type MessageSubject, type OfferParties } from '../kinds/message.ts';
import type { PostSubject } from '../kinds/post.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import { HOUR_MS } from '../limits.ts';
import { byTimeThenId } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

export type MessageRecord = VerifiedRecord<'message'>;

/** Where the fold finds what messages are about: posts, and the parties of stock offers. */
export interface MessageSubjects {
  post(id: PostId): PostSubject | undefined;
  offer(id: RecordId): OfferParties | undefined;
}

/** What a message is judged against, found in `subjects`; undefined while it is not here. */
export function messageSubject(body: MessageBody, subjects: MessageSubjects): MessageSubject | undefined {
  if ('post' in body) {
    const post = subjects.post(body.post);
    return post && { post };
  }
  const offer = subjects.offer(body.offer);
  return offer && { offer };
}

/**
 * Sealed messages about posts. The fold sees only who wrote to whom about which post, and holds
 * every device to the same bounds: the sealed size (the kind's schema), each sender's hourly
 * rate (judged over all their messages in time order, so the answer depends only on the set),
 * no message from a blocked key, and only conversations with the post's author (or, about a
 * stock offer, between its organiser and a household that claimed). Messages of a post that is
 * not here wait for it; messages of an erased or pruned post go with it. Messages about an offer
 * are kept as the offer is (retention keeps stock records); they count once the offer and the
 * claim are here.
 */
export class MessagesSlice implements FoldSlice {
  readonly kinds = ['message'] as const;
  readonly #records = new Map<RecordId, MessageRecord>();
  readonly #byPost = new Map<PostId, Set<RecordId>>();
  readonly #byAuthor = new Map<AuthorKey, Set<RecordId>>();
  /** Messages over their sender's hourly rate. */
  readonly #overRate = new Set<RecordId>();
  readonly #touched = new Set<AuthorKey>();

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== 'message') return;
    this.#records.set(record.id, record);
    if ('post' in record.body) addTo(this.#byPost, record.body.post, record.id);
    addTo(this.#byAuthor, record.author, record.id);
    this.#touched.add(record.author);
    change.messages = true;
  }

  settle(_authority: Authority, change: ChangeBuilder): void {
    for (const author of this.#touched) this.#judgeRate(author, change);
    this.#touched.clear();
  }

  /** A block or its undo changes whose messages count. */
  rejudge(_authority: Authority, change: ChangeBuilder): void {
    if (this.#records.size > 0) change.messages = true;
  }

  rejectedCount(authority: Authority): number {
    let count = this.#overRate.size;
    for (const record of this.#records.values()) if (authority.isBlocked(record.author)) count++;
    return count;
  }

  /**
   * The messages that count, sent or received by `member`, oldest first: within their sender's
   * rate, not from a blocked key, about a post or offer here (`subjects`) and allowed by the kind's rule.
   */
  messagesWith(member: AuthorKey, subjects: MessageSubjects, authority: Authority): MessageRecord[] {
    const shown: MessageRecord[] = [];
    for (const record of this.#records.values()) {
      if (record.author !== member && record.body.to !== member) continue;
      if (this.#overRate.has(record.id) || authority.isBlocked(record.author)) continue;
      const subject = messageSubject(record.body, subjects);
      if (KINDS.message.authorise(record, subject, authority).ok) shown.push(record);
    }
    return shown.sort(byTimeThenId);
  }

  /** Ids of every message about a post, for retention. */
  idsOf(post: PostId): RecordId[] {
    return [...(this.#byPost.get(post) ?? [])];
  }

  /** Messages whose post is not here (`has`), waiting for it. */
  *waiting(has: (post: PostId) => boolean): Generator<MessageRecord> {
    for (const [post, ids] of this.#byPost) {
      if (has(post)) continue;
      for (const id of ids) {
        const record = this.#records.get(id);
        if (record) yield record;
      }
    }
  }

  /** Forgets every message of a post (pruned or erased); returns their ids. Settle after. */
  forgetPost(post: PostId): RecordId[] {
    const ids = this.idsOf(post);
    for (const id of ids) this.#forget(id);
    this.#byPost.delete(post);
    return ids;
  }

  /** Forgets one message (it waited too long for its post). Settle after. */
  forget(id: RecordId): void {
    const record = this.#records.get(id);
    if (!record) return;
    this.#forget(id);
    if (!('post' in record.body)) return;
    const ids = this.#byPost.get(record.body.post);
    ids?.delete(id);
    if (ids?.size === 0) this.#byPost.delete(record.body.post);
  }

  #forget(id: RecordId): void {
    const record = this.#records.get(id);
    if (!record) return;
    this.#records.delete(id);
    const own = this.#byAuthor.get(record.author);
    own?.delete(id);
    if (own?.size === 0) this.#byAuthor.delete(record.author);
    this.#overRate.delete(id);
    // The sender's later messages may now be within the rate.
    this.#touched.add(record.author);
  }

  /** A message is over the rate if the sender's accepted messages in the hour before it reach it. */
  #judgeRate(author: AuthorKey, change: ChangeBuilder): void {
    const records = [...(this.#byAuthor.get(author) ?? [])]
      .flatMap((id) => this.#records.get(id) ?? [])
      .sort(byTimeThenId);
    const window: number[] = [];
    for (const record of records) {
      const ms = hlcMs(record.at);
      while (window.length > 0 && (window[0] ?? 0) <= ms - HOUR_MS) window.shift();
      const over = window.length >= MESSAGE_LIMITS.perHour;
      if (!over) window.push(ms);
      if (over !== this.#overRate.has(record.id)) {
        change.messages = true;
        if (over) this.#overRate.add(record.id);
        else this.#overRate.delete(record.id);
      }
    }
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}
