import type { Board } from '../board/board.ts';
import type { SealingKeys } from '../crypto/seal.ts';
import {
  closesNeed,
  countedClaims,
  deskQueue,
  EMPTY_DESK,
  liveStatus,
  postDesk,
  type Claim,
  type DeskQueue,
  type LiveStatus,
  type PostDesk,
} from '../domain/desk.ts';
import { displayStatus } from '../domain/expiry.ts';
import {
  dailyFigures,
  FIGURE_DAYS,
  lastDays,
  lobbySheet,
  medianTimeToDoneMs,
  postsCsv,
  supplyAndDemand,
  type Closure,
  type DayFigures,
  type FigureFilter,
  type LobbyBuilding,
  type SupplyDemand,
} from '../domain/figures.ts';
import type { PostState } from '../domain/fold/post-state.ts';
import type { OfferState } from '../domain/fold/stock.ts';
import type { AuthorKey, PostId, RecordId } from '../domain/ids.ts';
import { type DeferReason, type DeskOutcome, type FollowupBody } from '../domain/kinds/followup.ts';
import {
  matchesFor,
  matchIndex,
  matchNotices,
  noticeKey,
  type Match,
  type MatchIndex,
  type MatchNotice,
  type MatchPlaces,
} from '../domain/matching.ts';
import { runCommand, type CommandOutcome } from './command.ts';
import { DeskNotes } from './desk-notes.svelte.ts';

/** What the desk reads from its session. */
export interface DeskContext {
  readonly me: AuthorKey;
  board(): Board | null;
  /** The session's clock, as shown ("12 min ago"): reactive. */
  now(): number;
  sealing(): SealingKeys | null;
  /** Where buildings and pickup points are, for nearest matches first. */
  places(): MatchPlaces;
  /** The calendar date of a time, for the charts' days; this device's own dates by default. */
  dayOf?(ms: number): string;
}

/** This device's calendar date of a time, as YYYY-MM-DD: the compound's own days, not UTC's (en-CA writes them so). */
const LOCAL_DAY = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

/** The charts' figures for one filter. */
export interface Figures {
  readonly days: readonly DayFigures[];
  readonly medianNeedMs: number | null;
  readonly medianOfferMs: number | null;
}

/**
 * The volunteers' desk as the UI sees it: quiet and unanswered needs, claims, outcomes,
 * deferrals and notes sealed to the volunteers; matches between needs and offers (every
 * member sees them on the posts); the compound's figures, CSV and lobby sheet. Commands are
 * judged by the followup kind's rule here and on every device.
 */
export class SquareDesk {
  #version = $state(0);
  /** The volunteers' sealed notes on posts. */
  readonly notes: DeskNotes;
  /** Whether the desk (or, for residents, the figures) is on screen, and which part. */
  showing = $state(false);
  tab = $state<'queue' | 'figures' | 'lobby'>('queue');
  /** The charts' filter: one item or one building, or everything. */
  filter = $state<FigureFilter>({});
  readonly #context: DeskContext;

  constructor(context: DeskContext) {
    this.#context = context;
    this.notes = new DeskNotes(
      context,
      (post) => this.deskOf(post).notes,
      (body) => this.#run(body),
    );
    // NOTE: what the board holds now is the initial load, not news.
    this.takeMatchNotices();
  }

  /** Shows the desk (volunteers) or the figures (everyone else). */
  show(): void {
    if (!this.canUse && this.tab === 'queue') this.tab = 'figures';
    this.showing = true;
  }

  hide(): void {
    this.showing = false;
  }

  /** Reads the board again after it changed. */
  refresh(): void {
    this.#version++;
  }

  /** The founder or a volunteer: works the desk. */
  readonly canUse: boolean = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.authority.canModerate(this.#context.me) ?? false;
  });

  readonly #claims: ReadonlyMap<RecordId, Claim> = $derived.by(() => {
    void this.#version;
    const view = this.#context.board()?.view;
    if (!view) return countedClaims([]);
    return countedClaims([...view.followedPosts()].map((post) => view.followupsOf(post)));
  });

  /** A post as this resident may see it (a hidden one only by its author), for its own link. */
  post(id: PostId): PostState | undefined {
    void this.#version;
    const post = this.#context.board()?.view.post(id);
    return post && (!post.hidden || post.author === this.#context.me) ? post : undefined;
  }

  /** The desk state of one post now. */
  deskOf(post: PostId): PostDesk {
    void this.#version;
    const records = this.#context.board()?.view.followupsOf(post) ?? [];
    return records.length === 0 ? EMPTY_DESK : postDesk(records, this.#claims, this.#context.now());
  }

  /** Whether a post still counts as open: not expired, closed, hidden, or closed by a volunteer's outcome. */
  isOpen(post: PostState): boolean {
    return (
      displayStatus(post, this.#context.now()) === 'open' && !post.hidden && !closesNeed(this.deskOf(post.id), post)
    );
  }

  readonly #posts: readonly PostState[] = $derived.by(() => {
    void this.#version;
    return [...(this.#context.board()?.view.posts() ?? [])];
  });

  readonly #offers: readonly OfferState[] = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.stockOffers() ?? [];
  });

  readonly #index: MatchIndex = $derived.by(() =>
    matchIndex(this.#posts, (post) => this.isOpen(post), this.#offers, this.#context.now()),
  );

  /** The open posts and stock offers that answer this one, nearest first (domain/matching.ts). */
  matches(post: PostState): Match[] {
    if (!this.isOpen(post)) return [];
    return matchesFor(post, this.#index, this.#context.places());
  }

  /** The posts on this device when the desk first read the board (the initial load): their matches are not news. */
  #atLoad: ReadonlySet<PostId> | null = null;
  /** The (my post, matching post) pairs already notified on this page. */
  // NOTE: not reactive by design: noted from inside the effect that notifies, which must not re-run for it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #notified = new Set<string>();

  /**
   * The posts that arrived since the page opened and match one of my open posts, each pair once:
   * for local notifications. The first call with a board only notes what is already here.
   */
  takeMatchNotices(): MatchNotice[] {
    const posts = this.#posts;
    if (!this.#context.board()) return [];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read only, never changed
    this.#atLoad ??= new Set(posts.map((post) => post.id));
    const notices = matchNotices(
      this.#context.me,
      posts,
      (post) => this.isOpen(post),
      (post) => this.matches(post),
      this.#atLoad,
      this.#notified,
    );
    for (const notice of notices) this.#notified.add(noticeKey(notice));
    return notices;
  }

  readonly queue: DeskQueue = $derived.by(() => deskQueue(this.#posts, (id) => this.deskOf(id), this.#context.now()));

  /** A post's status as its own link shows it. */
  statusOf(post: PostState): LiveStatus {
    return liveStatus(post, this.deskOf(post.id), this.#context.now());
  }

  readonly #closure: Closure = {
    doneAtMs: (post) => {
      if (post.status === 'resolved') return post.lastActivityMs;
      const desk = this.deskOf(post.id);
      return closesNeed(desk, post) ? (desk.outcome?.atMs ?? null) : null;
    },
    outcomeOf: (post) => this.deskOf(post.id).outcome?.code,
  };

  readonly figures: Figures = $derived.by(() => {
    const dayOf = (ms: number) => this.#context.dayOf?.(ms) ?? LOCAL_DAY.format(ms);
    const days = lastDays(this.#context.now(), FIGURE_DAYS, dayOf);
    return {
      days: dailyFigures(this.#posts, this.#closure, days, dayOf, this.filter),
      medianNeedMs: medianTimeToDoneMs(this.#posts, this.#closure, 'need', this.filter),
      medianOfferMs: medianTimeToDoneMs(this.#posts, this.#closure, 'offer', this.filter),
    };
  });

  /** Open needs and offers per item and per building, the largest shortfall first. */
  readonly supply: { readonly items: SupplyDemand[]; readonly buildings: SupplyDemand[] } = $derived(
    supplyAndDemand(this.#posts.filter((post) => this.isOpen(post))),
  );

  /** The printable lobby sheet: open needs by building. */
  readonly lobby: readonly LobbyBuilding[] = $derived(lobbySheet(this.#posts.filter((post) => this.isOpen(post))));

  /** Every post as CSV, without private data (domain/figures.ts). */
  csv(): string {
    const now = this.#context.now();
    return postsCsv(this.#posts, this.#closure, (post) => displayStatus(post, now));
  }

  claim(post: PostId): Promise<CommandOutcome> {
    return this.#run({ action: 'claim', post });
  }

  release(post: PostId): Promise<CommandOutcome> {
    return this.#run({ action: 'release', post });
  }

  record(post: PostId, outcome: DeskOutcome): Promise<CommandOutcome> {
    return this.#run({ action: 'outcome', post, outcome });
  }

  /** Takes a need off the desk for `hours`. */
  defer(post: PostId, reason: DeferReason, hours: number): Promise<CommandOutcome> {
    return this.#run({ action: 'defer', post, reason, until: Math.round(this.#context.now() + hours * 3_600_000) });
  }

  #run(body: FollowupBody): Promise<CommandOutcome> {
    return runCommand(this.#context.board()?.commands ?? null, (c) => c.followUp(body));
  }
}
