import { Board } from '../board/board.ts';
import type { Identity } from '../crypto/signing.ts';
import {
  DEFAULT_QUERY,
  DEFAULT_RETENTION_DAYS,
  needsRenewal,
  selectPosts,
  type BoardQuery,
} from '../domain/board-view.ts';
import type { PostState } from '../domain/fold.ts';
import type { AuthorKey, PostId } from '../domain/ids.ts';
import type { UpdateAction } from '../domain/records.ts';
import type { SyncConfig } from '../sync/config.ts';
import { buildArchive, type ArchiveFile } from './archive.ts';
import { SquareConnection, type ExchangeMode, type SyncStatus } from '../sync/connection.ts';
import type { TransferProgress } from '../sync/doc-exchange.ts';
import { IdbVaultStore } from '../storage/idb-vault-store.ts';
import type { Invite } from '../domain/invite.ts';

/** The shortest interval between two re-renders of the board during bulk changes. */
export const REFRESH_MS = 100;

/** How often "12 min ago" and expiry are recomputed. */
export const CLOCK_TICK_MS = 30_000;

/** Resolves after the browser has painted what is on screen now. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

export type CommandOutcome = { ok: true } | { ok: false; reason: string };

/**
 * One open square, as the UI sees it: reactive board state and the commands a resident can
 * run. Components read fields and call methods; they never touch the board or Yjs.
 */
export class SquareSession {
  phase = $state<'loading' | 'ready' | 'failed'>('loading');
  failure = $state('');
  status = $state<SyncStatus>({ peers: 0, signalling: 'connecting', lastSyncedMs: null });
  transfer = $state<TransferProgress | null>(null);
  query = $state<BoardQuery>(DEFAULT_QUERY);
  now = $state(Date.now());
  #version = $state(0);
  #board: Board | null = null;
  readonly #connection: SquareConnection;
  readonly #cleanup: (() => void)[] = [];

  readonly posts: PostState[] = $derived.by(() => {
    void this.#version;
    return this.#board ? selectPosts(this.#board.fold.posts(), this.query, this.now) : [];
  });
  readonly squareName: string = $derived.by(() => {
    void this.#version;
    return this.#board?.fold.squareName() ?? '';
  });
  readonly joined: boolean = $derived.by(() => {
    void this.#version;
    return this.#board?.fold.profile(this.me) !== undefined;
  });
  readonly retentionDays: number = $derived.by(() => {
    void this.#version;
    return this.#board?.fold.retentionDays() ?? DEFAULT_RETENTION_DAYS;
  });
  readonly invalidCount: number = $derived.by(() => {
    void this.#version;
    return this.#board?.invalidCount ?? 0;
  });
  /** Whether the square holds any post at all, open or not: tells "empty" from "no match". */
  /** Every post this device holds, open or not. */
  readonly postCount: number = $derived.by(() => {
    void this.#version;
    return this.#board?.fold.postCount ?? 0;
  });
  /** Whether the square holds any post at all: tells "empty" from "no match". */
  readonly hasAnyPost: boolean = $derived(this.postCount > 0);

  constructor(
    readonly invite: Invite,
    readonly identity: Identity,
    config: SyncConfig,
    mode: ExchangeMode = 'chunked',
  ) {
    this.#connection = new SquareConnection(invite, config, {
      mode,
      countPosts: () => this.#board?.fold.postCount ?? 0,
    });
  }

  get me(): AuthorKey {
    return this.identity.author;
  }

  get isFounder(): boolean {
    return this.invite.founder === this.identity.author;
  }

  /** Loads the vault (renders at once), then the stored document, then joins the network. */
  async open(): Promise<void> {
    try {
      const board = await Board.open({
        doc: this.#connection.doc,
        store: new IdbVaultStore(this.invite.room),
        founder: this.invite.founder,
        identity: this.identity,
      });
      this.#board = board;
      this.#cleanup.push(board.subscribe(() => this.#refresh()));
      this.#version++;
      this.phase = 'ready';
      await afterPaint();
      await this.#connection.load();
      await board.attach();
      this.#cleanup.push(this.#connection.onStatus((status) => (this.status = status)));
      this.#cleanup.push(this.#connection.onTransfer((progress) => (this.transfer = progress)));
      // A handle for diagnostics and end-to-end tests (e.g. writing a forged record).
      (globalThis as { kaifong?: unknown }).kaifong = {
        doc: this.#connection.doc,
        board,
        connection: this.#connection,
      };
      this.#connection.connect();
      this.#prune(board);
      const timer = setInterval(() => {
        this.now = Date.now();
        this.#prune(board);
      }, CLOCK_TICK_MS);
      this.#cleanup.push(() => clearInterval(timer));
    } catch (error) {
      this.phase = 'failed';
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  /** Applies retention; when posts went, rewrites the stored document so the disk shrinks too. */
  #prune(board: Board): void {
    if (board.prune(Date.now()) > 0) {
      this.#connection.compact().catch((error: unknown) => console.warn('kaifong: compaction failed', error));
    }
  }

  #lastRefreshMs = 0;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Re-renders after board changes: at once when changes are sparse (a neighbour's post shows
   * within milliseconds), at most every REFRESH_MS during a bulk transfer, when thousands of
   * records arrive and re-sorting the list for each would starve the page.
   */
  #refresh(): void {
    if (this.#refreshTimer !== undefined) return;
    const wait = this.#lastRefreshMs + REFRESH_MS - performance.now();
    const run = () => {
      this.#refreshTimer = undefined;
      this.#lastRefreshMs = performance.now();
      this.#version++;
    };
    if (wait <= 0) run();
    else this.#refreshTimer = setTimeout(run, wait);
  }

  async close(): Promise<void> {
    clearTimeout(this.#refreshTimer);
    for (const fn of this.#cleanup.splice(0)) fn();
    this.#board?.detach();
    await this.#connection.destroy();
  }

  /** The name a post's author goes by: their profile name, or a short form of their key. */
  nameOf(author: AuthorKey): string | undefined {
    void this.#version;
    return this.#board?.fold.profile(author)?.name;
  }

  isMine(post: PostState): boolean {
    return post.author === this.me;
  }

  shouldAskRenewal(post: PostState): boolean {
    return this.isMine(post) && needsRenewal(post, this.now);
  }

  setQuery(patch: Partial<BoardQuery>): void {
    this.query = { ...this.query, ...patch };
  }

  join(name: string, building?: string): Promise<CommandOutcome> {
    return this.#run((board) => board.saveProfile(name, building));
  }

  nameSquare(name: string, retentionDays?: number): Promise<CommandOutcome> {
    return this.#run((board) => board.nameSquare(name, retentionDays));
  }

  /** The founder's setting: how many days closed posts stay before every device drops them. */
  setRetention(days: number): Promise<CommandOutcome> {
    return this.nameSquare(this.squareName, days);
  }

  /** An archive of every closed post's records, for a volunteer to keep before they are dropped. */
  archive(): ArchiveFile {
    return buildArchive(this.squareName, this.invite.room, this.now, this.#board?.closedRecords(this.now) ?? []);
  }

  publishPost(body: unknown): Promise<CommandOutcome> {
    return this.#run((board) => board.publishPost(body));
  }

  updatePost(post: PostId, action: UpdateAction, note?: string): Promise<CommandOutcome> {
    return this.#run((board) => board.updatePost(post, action, note));
  }

  async #run(
    command: (board: Board) => Promise<{ ok: true } | { ok: false; reason: string }>,
  ): Promise<CommandOutcome> {
    if (!this.#board) return { ok: false, reason: 'the square is still opening' };
    try {
      const result = await command(this.#board);
      return result.ok ? { ok: true } : result;
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
