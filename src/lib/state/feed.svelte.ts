import type { Commands } from '../board/commands.ts';
import { needsRenewal } from '../domain/expiry.ts';
import type { BoardView } from '../domain/fold/board-fold.ts';
import type { PostState } from '../domain/fold/posts.ts';
import type { AuthorKey, PostId } from '../domain/ids.ts';
import type { UpdateAction } from '../domain/kinds/update.ts';
import type { Nearness } from '../domain/places.ts';
import { DEFAULT_QUERY, patchSelection, selectPosts, type BoardQuery } from '../domain/selection.ts';
import { runCommand, type CommandOutcome } from './command.ts';

/** What the feed reads from its session. */
export interface FeedContext {
  readonly me: AuthorKey;
  now(): number;
  view(): BoardView | null;
  commands(): Commands | null;
  /** How far posts are from this resident, for "Nearest" and "within"; null when unknown. */
  near(): Nearness | null;
}

/**
 * The list of posts a resident sees, with the query that chooses them, and the commands on
 * posts. Board changes patch the list (patchSelection); a new query or time re-selects it.
 */
export class PostFeed {
  query = $state<BoardQuery>(DEFAULT_QUERY);
  /** Only posts by neighbours a volunteer vouched for. */
  verifiedOnly = $state(false);
  #posts = $state.raw<PostState[]>([]);
  #total = $state(0);
  readonly #context: FeedContext;

  constructor(context: FeedContext) {
    this.#context = context;
  }

  /** The posts that match the query, in its order. */
  get posts(): readonly PostState[] {
    return this.#posts;
  }

  /** Every post this device holds, open or not. */
  get postCount(): number {
    return this.#total;
  }

  /** Whether the square holds any post at all: tells "empty" from "no match". */
  get hasAnyPost(): boolean {
    return this.#total > 0;
  }

  setQuery(patch: Partial<BoardQuery>): void {
    this.query = { ...this.query, ...patch };
    this.reselect();
  }

  setVerifiedOnly(on: boolean): void {
    this.verifiedOnly = on;
    this.reselect();
  }

  /** Selects the list again from every post (a new query, the clock moved, the board opened). */
  reselect(): void {
    const view = this.#context.view();
    this.#posts = view
      ? selectPosts(this.#shown(view, view.posts()), this.query, this.#context.now(), this.#context.near())
      : [];
    this.#total = view?.postCount ?? 0;
  }

  /** Patches the list after these posts changed on the board. */
  patch(changed: readonly PostId[]): void {
    const view = this.#context.view();
    if (!view || changed.length === 0) return;
    const lookup = (id: PostId) => {
      const post = view.post(id);
      return post && this.#isShown(view, post) ? post : undefined;
    };
    this.#posts = patchSelection(this.#posts, changed, lookup, this.query, this.#context.now(), this.#context.near());
    this.#total = view.postCount;
  }

  /** A post hidden by a volunteer shows only to its author; the filter keeps verified neighbours. */
  #isShown(view: BoardView, post: PostState): boolean {
    if (post.hidden && post.author !== this.#context.me) return false;
    return !this.verifiedOnly || view.authority.isVouched(post.author);
  }

  *#shown(view: BoardView, posts: Iterable<PostState>): Generator<PostState> {
    for (const post of posts) if (this.#isShown(view, post)) yield post;
  }

  isMine(post: PostState): boolean {
    return post.author === this.#context.me;
  }

  /** Whether to ask "Still needed?" on a post. */
  shouldAskRenewal(post: PostState): boolean {
    return this.isMine(post) && needsRenewal(post, this.#context.now());
  }

  publishPost(body: unknown): Promise<CommandOutcome> {
    return runCommand(this.#context.commands(), (c) => c.publishPost(body));
  }

  /** Erases one of my posts from every device, for good. */
  erasePost(post: PostId): Promise<CommandOutcome> {
    return runCommand(this.#context.commands(), (c) => c.erasePost(post));
  }

  updatePost(post: PostId, action: UpdateAction, note?: string): Promise<CommandOutcome> {
    return runCommand(this.#context.commands(), (c) => c.updatePost(post, action, note));
  }
}
