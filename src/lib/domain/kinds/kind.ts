import type { Authority } from '../authority.ts';
import type { Hlc } from '../hlc.ts';
import type { AuthorKey, RecordId } from '../ids.ts';
import type { Verdict } from '../reasons.ts';

/** What a kind's rule sees of a record: who wrote it and what it says (signed or about to be). */
export interface Authored<B> {
  readonly author: AuthorKey;
  /** When it was (or is about to be) signed: some rules compare dates with it. */
  readonly at: Hlc;
  readonly body: B;
}

/**
 * One record kind's rule: what a record is about, and who may write it. The fold judges received
 * records with `authorise`, and commands call the same function before signing, so a rule is
 * written once. NOTE: a kind's body schema is not here but in `parse.ts`, which the fold does not
 * load: it folds records already parsed (the vault's, at the first paint, without valibot).
 */
export interface KindRule<B, S> {
  /** The record this one is about (a post, for an update), for folding and retention; null if none. */
  subjectOf(record: Authored<B> & { readonly id: RecordId }): RecordId | null;
  /** Whether the author may write this record, given the current state of its subject. */
  authorise(record: Authored<B>, subject: S | undefined, authority: Authority): Verdict;
}
