import type { Commands } from '../board/commands.ts';
import { expiresAtMs, needsRenewal, urgentExpiresSoon } from '../domain/expiry.ts';
import type { BoardView } from '../domain/fold/board-view.ts';
import type { PostState } from '../domain/fold/post-state.ts';
import { hlcMs } from '../domain/hlc.ts';
import type { AuthorKey, PostId } from '../domain/ids.ts';
import type { EditBody } from '../domain/kinds/edit.ts';
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
  /** Records this device wrote up to this time have reached a neighbour (Infinity while one is connected). */
  sharedThrough(): number;
}

/**
 * The list of posts a resident sees, with the query that chooses them, and the commands on
 * posts. Board changes patch the list (patchSelection); a new query or time re-selects it.
 */
export class PostFeed {
  query = $state<BoardQuery>(DEFAULT_QUERY);
  /** Only posts by neighbours a volunteer vouched for. */
  verifiedOnly = $state(false);
  /** Only the resident's own posts ("My posts"). */
  mineOnly = $state(false);
  /** The post the resident just resolved or withdrew, which "Undo" reopens. */
  undoable = $state<{ readonly post: PostId; readonly action: 'resolve' | 'withdraw' } | null>(null);
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

  setMineOnly(on: boolean): void {
    this.mineOnly = on;
    this.reselect();
  }

  /** How many filters narrow the list (search and sort aside): the "Filters" control shows it. */
  get activeFilters(): number {
    const q = this.query;
    return [q.types.size > 0, q.item, q.urgency, q.group, q.showClosed, this.verifiedOnly, this.mineOnly].filter(
      Boolean,
    ).length;
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
    if (this.mineOnly && post.author !== this.#context.me) return false;
    return !this.verifiedOnly || view.authority.isVouched(post.author);
  }

  *#shown(view: BoardView, posts: Iterable<PostState>): Generator<PostState> {
    for (const post of posts) if (this.#isShown(view, post)) yield post;
  }

  isMine(post: PostState): boolean {
    return post.author === this.#context.me;
  }

  /** One of my posts made while no neighbour was there to take it: "not shared yet". */
  isUnshared(post: PostState): boolean {
    return this.isMine(post) && hlcMs(post.at) > this.#context.sharedThrough();
  }

  /**
   * Whether this resident may read the private first line of a post made for a neighbour
   * without a phone: its author and the volunteers, who follow such posts up.
   */
  seesBehalfName(post: PostState): boolean {
    return this.isMine(post) || (this.#context.view()?.authority.canModerate(this.#context.me) ?? false);
  }

  /** Whether this resident has any post here, open or not: the first one starts from big choices. */
  get hasMyPost(): boolean {
    void this.#posts; // read again whenever the list changes
    const view = this.#context.view();
    if (!view) return false;
    for (const post of view.postStates()) if (this.isMine(post)) return true;
    return false;
  }

  /** My urgent open posts about to close, soonest first: the author is told before they go. */
  get expiringSoon(): readonly PostState[] {
    void this.#posts; // read again whenever the list changes (a renewal, a new post)
    const view = this.#context.view();
    const now = this.#context.now();
    if (!view) return [];
    return [...view.posts()]
      .filter((post) => this.isMine(post) && urgentExpiresSoon(post, now))
      .sort((a, b) => expiresAtMs(a) - expiresAtMs(b));
  }

  /** Whether to ask "Still needed?" on a post. */
  shouldAskRenewal(post: PostState): boolean {
    return this.isMine(post) && needsRenewal(post, this.#context.now());
  }

  publishPost(body: unknown): Promise<CommandOutcome> {
    return runCommand(this.#context.commands(), (c) => c.publishPost(body));
  }

  /** Changes one of my posts' items, quantities, place or note. */
  editPost(post: PostId, fields: Omit<EditBody, 'post'>): Promise<CommandOutcome> {
    return runCommand(this.#context.commands(), (c) => c.editPost(post, fields));
  }

  /** Erases one of my posts from every device, for good. */
  erasePost(post: PostId): Promise<CommandOutcome> {
    return runCommand(this.#context.commands(), (c) => c.erasePost(post));
  }

  async updatePost(post: PostId, action: UpdateAction, note?: string): Promise<CommandOutcome> {
    const outcome = await runCommand(this.#context.commands(), (c) => c.updatePost(post, action, note));
    if (outcome.ok && (action === 'resolve' || action === 'withdraw')) this.undoable = { post, action };
    return outcome;
  }

  /**
   * Opens again a post its author closed: "Undo" right after, or "Reopen" later. A renewal, which
   * every version folds to open; its expiry then counts from now.
   */
  async reopen(post: PostId): Promise<CommandOutcome> {
    if (this.undoable?.post === post) this.undoable = null;
    return runCommand(this.#context.commands(), (c) => c.updatePost(post, 'renew'));
  }

  /** The "Undo" offer has had its time. */
  dismissUndo(): void {
    this.undoable = null;
  }
}
