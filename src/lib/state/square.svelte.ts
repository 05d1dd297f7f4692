import { Board, type BoardChange } from '../board/board.ts';
import type { Commands } from '../board/commands.ts';
import type { Identity } from '../crypto/signing.ts';
import type { BoardView } from '../domain/fold/board-fold.ts';
import type { AuthorKey, PostId } from '../domain/ids.ts';
import type { Invite } from '../domain/invite.ts';
import type { TransferProgress } from '../sync/doc-exchange.ts';
import { INITIAL_STATUS, type SyncStatus } from '../sync/transport.ts';
import { PostFeed } from './feed.svelte.ts';
import { SquareInfo } from './info.svelte.ts';
import { SquareTrust } from './trust.svelte.ts';
import type { AppServices, SquareServices } from './services.ts';

/** The shortest interval between two re-renders of the board during bulk changes. */
export const REFRESH_MS = 100;

/** How often "12 min ago" and expiry are recomputed. */
export const CLOCK_TICK_MS = 30_000;

/**
 * One open square, as the UI sees it: its feed of posts, its information, its connection, and
 * its lifecycle (vault first, then the stored document, then the network). Components read
 * fields and call methods; they never touch the board or Yjs.
 */
export class SquareSession {
  phase = $state<'loading' | 'ready' | 'failed'>('loading');
  status = $state<SyncStatus>(INITIAL_STATUS);
  transfer = $state<TransferProgress | null>(null);
  now = $state(0);
  readonly feed: PostFeed;
  readonly info: SquareInfo;
  readonly trust: SquareTrust;
  readonly #app: AppServices;
  readonly #identity: Identity;
  readonly #services: SquareServices;
  #board: Board | null = null;
  readonly #cleanup: (() => void)[] = [];
  /** Posts changed since the last re-render, while re-renders are throttled. */
  #changed: PostId[] = [];
  #lastRefreshMs = Number.NEGATIVE_INFINITY;
  #refreshPending: (() => void) | null = null;

  /** `identity`: this device's key in this square (`AppServices.keys`), never another square's. */
  constructor(
    readonly invite: Invite,
    identity: Identity,
    app: AppServices,
  ) {
    this.#app = app;
    this.#identity = identity;
    this.now = app.clock.now();
    this.#services = app.openSquare(invite, {
      countPosts: () => this.#board?.view.postCount ?? 0,
      // Before the board has opened nothing is live here, so nothing a peer sends can harm it.
      harmOf: (update) => this.#board?.harmOf(update) ?? 0,
      settled: () => this.#board?.whenIdle() ?? Promise.resolve(),
    });
    const context = {
      me: identity.author,
      invite,
      now: () => this.now,
      view: (): BoardView | null => this.#board?.view ?? null,
      commands: (): Commands | null => this.#board?.commands ?? null,
      board: () => this.#board,
    };
    this.feed = new PostFeed(context);
    this.info = new SquareInfo(context);
    this.trust = new SquareTrust(context);
  }

  get me(): AuthorKey {
    return this.#identity.author;
  }

  /** Loads the vault (renders at once), then the stored document, then joins the network. */
  async open(): Promise<void> {
    const { doc, transport, persistence, vault } = this.#services;
    try {
      const board = await Board.open({
        doc,
        store: vault,
        founder: this.invite.founder,
        identity: this.#identity,
        clock: this.#app.clock,
      });
      this.#board = board;
      this.#cleanup.push(board.subscribe((change) => this.#onChange(change)));
      this.feed.reselect();
      this.info.refresh();
      this.trust.refresh();
      this.phase = 'ready';
      await this.#app.afterPaint();
      await persistence.load();
      await board.attach();
      this.#cleanup.push(transport.onStatus((status) => (this.status = status)));
      this.#cleanup.push(transport.onTransfer((progress) => (this.transfer = progress)));
      this.status = transport.status;
      // A handle for diagnostics and end-to-end tests (e.g. writing a forged record).
      (globalThis as { kaifong?: unknown }).kaifong = { doc, board, connection: transport };
      transport.connect();
      this.#cleanup.push(this.#app.clock.every(CLOCK_TICK_MS, () => this.#tick()));
    } catch (error) {
      console.error('kaifong: the square could not be opened', error);
      this.phase = 'failed';
    }
  }

  async close(): Promise<void> {
    this.#refreshPending?.();
    for (const stop of this.#cleanup.splice(0)) stop();
    this.#board?.detach();
    await this.#services.transport.destroy();
    await this.#services.persistence.destroy();
  }

  #tick(): void {
    this.now = this.#app.clock.now();
    this.feed.reselect();
  }

  #onChange(change: BoardChange): void {
    this.#changed.push(...change.posts);
    // Retention dropped posts: rewrite the stored document so the disk shrinks too.
    if (change.pruned > 0) {
      this.#services.persistence.compact().catch((error: unknown) => console.warn('kaifong: compaction failed', error));
    }
    this.#refresh();
  }

  /**
   * Re-renders after board changes: at once when changes are sparse (a neighbour's post shows
   * within milliseconds), at most every REFRESH_MS during a bulk transfer, when thousands of
   * records arrive and patching the list for each would starve the page.
   */
  #refresh(): void {
    if (this.#refreshPending) return;
    const clock = this.#app.clock;
    const run = () => {
      this.#refreshPending = null;
      this.#lastRefreshMs = clock.now();
      this.feed.patch(this.#changed);
      this.#changed = [];
      this.info.refresh();
      this.trust.refresh();
    };
    const wait = this.#lastRefreshMs + REFRESH_MS - clock.now();
    if (wait <= 0) run();
    else this.#refreshPending = clock.after(wait, run);
  }
}
