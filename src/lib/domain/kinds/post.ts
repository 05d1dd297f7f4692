import { isoDateOfMs } from '../calendar.ts';
import { MEDICINE_IDS } from '../catalogue.ts';
import { hlcMs } from '../hlc.ts';
import type { AuthorKey } from '../ids.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { PostBody } from './post-body.ts';

export type { ItemLine, PostBody } from './post-body.ts';

export const POST_TYPES = ['need', 'offer', 'swap'] as const;
export type PostType = (typeof POST_TYPES)[number];

export const URGENCIES = ['urgent', 'soon', 'stocking'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const VULNERABLE_GROUPS = ['pregnant', 'child', 'elderly', 'chronic', 'disability'] as const;
export type VulnerableGroup = (typeof VULNERABLE_GROUPS)[number];

/** What makes two lines the same item: the catalogue id, or an "other" item's description. */
export function lineKey(line: { item: string; text?: string | undefined }): string {
  return line.item === 'other' ? `other:${(line.text ?? '').toLowerCase()}` : line.item;
}

/**
 * The rules between a post's fields, which its schema applies and an edit's rule applies again to
 * the post as edited: a swap, and only a swap, says what it wants; a need has no medicine expiry.
 */
export function postShape(post: {
  readonly type: PostType;
  readonly wants?: unknown;
  readonly medicineExpiry?: string | undefined;
}): Verdict {
  if ((post.type === 'swap') !== (post.wants !== undefined)) return refused('swap-wants');
  if (post.type === 'need' && post.medicineExpiry !== undefined) return refused('need-expiry');
  return ALLOWED;
}

/** Whether a post gives away medicine (an offer, or what a swap gives). */
export function offersMedicine(post: PostBody): boolean {
  return post.type !== 'need' && post.items.some((line) => MEDICINE_IDS.has(line.item));
}

/**
 * A post made for a neighbour without a phone, split into the private first line of its note
 * (who it is for, for volunteers) and the rest, which everyone reads. Other posts: all public.
 */
export function behalfNote(post: PostBody): { readonly name: string; readonly rest: string } {
  if (post.behalf !== true) return { name: '', rest: post.note };
  const end = post.note.indexOf('\n');
  return end < 0
    ? { name: post.note, rest: '' }
    : { name: post.note.slice(0, end).trim(), rest: post.note.slice(end + 1).trim() };
}

/**
 * A need, an offer or a swap: its own subject, which updates refer to. Anyone who holds the link
 * may post; how many posts each key may have open is judged over all its posts (domain/limits.ts).
 */
export const postKind: KindRule<PostBody, never> = {
  subjectOf: (record) => record.id,
  authorise: (record) => {
    // Offered medicine must not be past its date on the day it is offered.
    if (!offersMedicine(record.body)) return ALLOWED;
    const expiry = record.body.medicineExpiry;
    return expiry !== undefined && expiry > isoDateOfMs(hlcMs(record.at)) ? ALLOWED : refused('medicine-expiry');
  },
};

/** What a rule about a post needs to know of it. */
export interface PostSubject {
  readonly author: AuthorKey;
}

/** The rule for records about a post: only its author may write them (volunteers join with roles). */
export function byPostAuthor(record: { readonly author: AuthorKey }, post: PostSubject | undefined): Verdict {
  if (post === undefined) return refused('unknown-post');
  return record.author === post.author ? ALLOWED : refused('not-author');
}
