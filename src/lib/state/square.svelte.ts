import { Board, type BoardChange } from '../board/board.ts';
import type { Commands } from '../board/commands.ts';
import type { SealingKeys } from '../crypto/seal.ts';
import type { Identity } from '../crypto/signing.ts';
import type { BoardView } from '../domain/fold/board-view.ts';
import type { AuthorKey, PostId } from '../domain/ids.ts';
import type { Invite } from '../domain/invite.ts';
import type { LngLat } from '../domain/geo.ts';
import type { CommandOutcome } from './command.ts';
import type { DraftKeeper } from './drafts.ts';
import type { Durability } from './durability.svelte.ts';
import { SquareConnection } from './connection.svelte.ts';
import { RefreshThrottle } from './refresh-throttle.ts';
import { PostFeed } from './feed.svelte.ts';
import { SquareInfo } from './info.svelte.ts';
import type { SquareDesk } from './desk.svelte.ts';
import type { SquareMessages } from './messages.svelte.ts';
import type { SquareMap } from './map.svelte.ts';
import { SquareSite } from './site.svelte.ts';
import type { SquareStock } from './stock.svelte.ts';
import type { SquareMove } from './move.svelte.ts';
import { SquareEpoch } from './epoch.svelte.ts';
import { SquareTrust } from './trust.svelte.ts';
import type { AppServices, SquareNetwork, SquareServices } from './services.ts';
import type { CopyOutcome, SquareFile } from './square-file.ts';
import { ROOM_KEYS } from './room-storage.ts';

/** How often "12 min ago" and expiry are recomputed. */
export const CLOCK_TICK_MS = 30_000;

/**
 * One open square, as the UI sees it: its feed of posts, its information, its connection, and
 * its lifecycle (vault first, then the stored document, then the network). Components read
 * fields and call methods; they never touch the board or Yjs.
 */
export class SquareSession {
  phase = $state<'loading' | 'ready' | 'failed'>('loading');
  now = $state(0);
  /** The square's connection, its transfers, and what is waiting to be shared. */
  readonly connection: SquareConnection;
  /** What the last copy opened from a file did here, to tell the resident. */
  copyOutcome = $state<CopyOutcome | null>(null);
  readonly feed: PostFeed;
  /** The New post draft, kept on this device as it is typed: its code loads with the post form; null until then. */
  draft = $state<DraftKeeper | null>(null);
  #draft: Promise<DraftKeeper> | null = null;
  readonly info: SquareInfo;
  readonly trust: SquareTrust;
  /** Conversations: their state and code load after the list has painted; null until then. */
  messages = $state<SquareMessages | null>(null);
  #messages: Promise<SquareMessages> | null = null;
  /** The volunteers' desk, matches and figures: its state and code load after the list has painted; null until then. */
  desk = $state<SquareDesk | null>(null);
  #desk: Promise<SquareDesk> | null = null;
  /** The compound's own map, and where "near me" is. */
  readonly site: SquareSite;
  /** The Map view of the posts in the list: its state and code load when first opened; null until then. */
  map = $state<SquareMap | null>(null);
  #map: Promise<SquareMap> | null = null;
  /** Whether the founder moved the square to a new link, and the founder's move: loaded after the first paint; null until then. */
  move = $state<SquareMove | null>(null);
  #move: Promise<SquareMove> | null = null;
  readonly #follow: (next: Invite) => void;
  /** Whether this square was reached by following a move, to tell the resident why. */
  arrivedByMove = $state(false);
  /** Stock offers, claims and the draw: their state and code load when first shown; null until then. */
  stock = $state<SquareStock | null>(null);
  #stock: Promise<SquareStock> | null = null;
  readonly #openStock: () => Promise<SquareStock>;
  /** Which shared document (epoch) this device is on, and the founder's fresh document. */
  readonly epochs: SquareEpoch;
  readonly #app: AppServices;
  readonly #identity: Identity;
  readonly #durability: Durability | null;
  readonly #services: SquareServices;
  /** The document and network, once asked for (after the first paint). */
  #network: Promise<SquareNetwork> | null = null;
  #loaded: SquareNetwork | null = null;
  #closed = false;
  #board: Board | null = null;
  #sealing: SealingKeys | null = null;
  readonly #cleanup: (() => void)[] = [];
  /** Posts changed since the last re-render, while re-renders are throttled. */
  #changed: PostId[] = [];
  /** Whether the next re-render selects the list again rather than patching it. */
  #reselect = false;
  readonly #refreshes: RefreshThrottle;
  /** Settles once the board follows the document (or the square failed to open). */
  readonly #attached: Promise<boolean>;
  #settleAttached: (attached: boolean) => void = () => undefined;

  /**
   * `identity`: this device's key in this square (`AppServices.keys`), never another square's.
   * `follow`: takes this device to the new link when the founder moved the square (AppState).
   */
  constructor(
    readonly invite: Invite,
    identity: Identity,
    app: AppServices,
    durability: Durability | null = null,
    follow: (next: Invite) => void = () => undefined,
  ) {
    this.#app = app;
    this.#durability = durability;
    this.#identity = identity;
    this.now = app.clock.now();
    this.#refreshes = new RefreshThrottle(app.clock);
    this.epochs = new SquareEpoch(app.storage, invite.room);
    this.#services = app.openSquare(invite, {
      countPosts: () => this.#board?.view.postCount ?? 0,
      // Before the board has opened nothing is live here, so nothing a peer sends can harm it.
      judge: (update) => this.#board?.judge(update) ?? { harm: 0, accept: [update] },
      whenIdle: () => this.#board?.whenIdle() ?? Promise.resolve(),
      repair: (update) => this.#board?.repair(update),
      offerEpoch: (offer) => this.epochs.offered(offer),
    });
    const context = {
      me: identity.author,
      invite,
      now: () => this.now,
      view: (): BoardView | null => this.#board?.view ?? null,
      commands: (): Commands | null => this.#board?.commands ?? null,
      board: () => this.#board,
      sealKey: () => this.#sealing?.publicKey,
      near: () => this.site.nearness,
      sharedThrough: () => this.connection.sharedThroughMs,
    };
    this.#attached = new Promise((resolve) => (this.#settleAttached = resolve));
    this.feed = new PostFeed(context);
    this.connection = new SquareConnection({
      storage: app.storage,
      room: invite.room,
      clock: app.clock,
      me: identity.author,
      board: () => this.#board,
    });
    this.info = new SquareInfo(context);
    this.trust = new SquareTrust(context);
    this.site = new SquareSite(context);
    this.#openStock = () =>
      import('./stock.svelte.ts').then(
        ({ SquareStock }) =>
          (this.stock = new SquareStock({
            ...context,
            room: invite.room,
            storage: app.storage,
            random: (bytes) => crypto.getRandomValues(new Uint8Array(bytes)),
          })),
      );
    this.#follow = follow;
  }

  /** The move's state, loading it (out of the first load: moves are a late kind) if it is not here yet. */
  moves(): Promise<SquareMove> {
    this.#move ??= import('./move.svelte.ts').then(
      ({ SquareMove }) =>
        (this.move = new SquareMove({
          invite: this.invite,
          me: this.#identity.author,
          board: () => this.#board,
          attached: async () => ((await this.#attached) ? this.#board : null),
          sealing: () => this.#sealing,
          follow: this.#follow,
        })),
    );
    return this.#move;
  }

  /** Opens the Map view (on a building, if given), loading its state and code the first time. */
  async openMap(building?: string): Promise<void> {
    this.#map ??= import('./map.svelte.ts').then(({ SquareMap }) => (this.map = new SquareMap(this.site, this.feed)));
    (await this.#map).open(building);
  }

  /** Whether a New post draft is kept from before (a reload, an update): the form reopens with it. */
  get hasDraft(): boolean {
    try {
      return this.#app.storage.getItem(ROOM_KEYS.draft(this.invite.room)) !== null;
    } catch {
      return false;
    }
  }

  /** The New post draft's keeper, loading it (out of the first load) if it is not here yet. */
  drafts(): Promise<DraftKeeper> {
    this.#draft ??= import('./drafts.ts').then(
      ({ DraftKeeper }) => (this.draft = new DraftKeeper(this.#app.storage, this.invite.room)),
    );
    return this.#draft;
  }

  /** The stock offers' state, loading it (out of the first load) if it is not here yet. */
  openStock(): Promise<SquareStock> {
    return (this.#stock ??= this.#openStock());
  }

  /** The conversations' state, loading it (out of the first load) if it is not here yet. */
  conversations(): Promise<SquareMessages> {
    this.#messages ??= import('./messages.svelte.ts').then(async ({ SquareMessages }) => {
      const messages = new SquareMessages({
        me: this.#identity.author,
        room: this.invite.room,
        storage: this.#app.storage,
        board: () => this.#board,
        sealing: () => this.#sealing,
        now: () => this.#app.clock.now(),
      });
      await messages.refresh();
      this.messages = messages;
      return messages;
    });
    return this.#messages;
  }

  /** The desk's state, loading it (out of the first load) if it is not here yet. */
  openDesk(): Promise<SquareDesk> {
    this.#desk ??= import('./desk.svelte.ts').then(
      ({ SquareDesk }) =>
        (this.desk = new SquareDesk({
          me: this.#identity.author,
          board: () => this.#board,
          now: () => this.now,
          sealing: () => this.#sealing,
          places: () => this.site,
        })),
    );
    return this.#desk;
  }

  get me(): AuthorKey {
    return this.#identity.author;
  }

  /**
   * Loads the vault (renders at once), then the document and network code, the stored document,
   * and joins the network.
   */
  async open(): Promise<void> {
    try {
      const [board, sealing] = await Promise.all([
        Board.open({
          store: this.#services.vault,
          founder: this.invite.founder,
          identity: this.#identity,
          clock: this.#app.clock,
          signatures: this.#app.signatures,
        }),
        this.#app.keys.sealingFor(this.invite.room),
      ]);
      // NOTE: the fold of the vault and the first render of the list are two tasks, not one long one.
      await this.#app.nextTask();
      this.#board = board;
      this.#sealing = sealing;
      this.#cleanup.push(board.subscribe((change) => this.#onChange(change)));
      this.site.refresh();
      this.stock?.refresh();
      this.feed.reselect();
      this.info.refresh();
      this.connection.countWaiting();
      this.trust.refresh();
      this.phase = 'ready';
      await this.#app.afterPaint();
      void this.conversations();
      void this.openDesk();
      void this.moves().then((move) => move.refresh());
      this.#network = this.#services.network(this.epochs.stored());
      const network = (this.#loaded = await this.#network);
      const { doc, transport, persistence } = network;
      if (this.#closed) return;
      await persistence.load();
      await board.attach(doc);
      await this.epochs.follow(board, network);
      this.#settleAttached(true);
      await this.info.publishSealKey();
      this.#cleanup.push(...this.connection.follow(board, transport));
      // A handle for diagnostics and end-to-end tests (e.g. writing a forged record).
      (globalThis as { kaifong?: unknown }).kaifong = {
        // The document of the current epoch: a fresh document replaces it (epoch.svelte.ts).
        get doc() {
          return network.doc;
        },
        board,
        connection: transport,
      };
      transport.connect();
      this.#cleanup.push(this.#app.clock.every(CLOCK_TICK_MS, () => this.#tick()));
    } catch (error) {
      console.error('kaifong: the square could not be opened', error);
      this.phase = 'failed';
      this.#settleAttached(false);
    }
  }

  /** Joins under a name; then asks the browser to keep this device's squares for good. */
  async join(name: string, building?: string): Promise<CommandOutcome> {
    const outcome = await this.info.join(name, building);
    if (outcome.ok) await this.#durability?.request();
    return outcome;
  }

  /** Sets "my building" in this resident's profile; new posts start with it, distances start from it. */
  async setMyBuilding(building: string): Promise<CommandOutcome> {
    const name = this.info.nameOf(this.me);
    if (name === undefined) return { ok: false, reason: 'opening' };
    return this.info.join(name, building.trim() || undefined);
  }

  /** Measures "near me" from this device's location (rounded to about 100 m), as the resident allowed. */
  useLocation(at: LngLat): void {
    this.site.useLocation(at);
    this.feed.reselect();
  }

  /** The whole square on a file (every valid record); the room secret only when `withKey`. */
  async saveCopy(withKey: boolean): Promise<SquareFile> {
    const { copyFile } = await import('./square-file.ts');
    const records = this.#board?.records() ?? [];
    return copyFile(this.invite, this.info.squareName, this.#app.clock.now(), records, withKey);
  }

  /** Merges a copy of this square from a file; a file of another square, or forged, changes nothing. */
  async openCopy(text: string): Promise<CopyOutcome> {
    const board = (await this.#attached) ? this.#board : null;
    let outcome: CopyOutcome = { ok: false, problem: 'failed' };
    try {
      if (board) outcome = await (await import('./square-file.ts')).mergeFile(board, this.invite, text);
    } catch (error) {
      console.error('kaifong: could not open the copy', error);
    }
    this.copyOutcome = outcome;
    return outcome;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#settleAttached(false);
    this.map?.close();
    this.#refreshes.cancel();
    for (const stop of this.#cleanup.splice(0)) stop();
    this.#board?.detach();
    const network = await this.#network?.catch(() => null);
    if (!network) return;
    await network.transport.destroy();
    await network.persistence.destroy();
  }

  #tick(): void {
    this.now = this.#app.clock.now();
    this.feed.reselect();
    // Stock results beyond the hour's share of the rate go out as the hour moves on (state/outgoing.ts).
    void this.messages?.refresh();
  }

  #onChange(change: BoardChange): void {
    this.#changed.push(...change.posts);
    // A new site or a new "my building" moves every distance: the list is selected again.
    if (change.square || change.profiles.has(this.me)) this.#reselect = true;
    // Messages are opened at once (not throttled): the unread count is what a resident waits for.
    // A draw or a handover may give an organiser's device results to tell.
    if (change.messages || change.stock || change.profiles.size > 0) void this.messages?.refresh();
    // An offer's window is judged against `now`, which ticks only every CLOCK_TICK_MS: an offer
    // that opened a moment ago must not read "not open yet" until the next tick.
    if (change.stock) this.now = this.#app.clock.now();
    // Retention dropped posts: rewrite the stored document so the disk shrinks too.
    if (change.pruned > 0) {
      this.#loaded?.persistence.compact().catch((error: unknown) => console.warn('kaifong: compaction failed', error));
    }
    this.#refresh();
  }

  /** Re-renders after board changes, as often as the throttle lets it (refresh-throttle.ts). */
  #refresh(): void {
    this.#refreshes.request(() => {
      this.site.refresh();
      if (this.#reselect) this.feed.reselect();
      else this.feed.patch(this.#changed);
      this.#reselect = false;
      this.#changed = [];
      this.info.refresh();
      this.connection.countWaiting();
      this.trust.refresh();
      this.stock?.refresh();
      this.desk?.refresh();
      void this.move?.refresh();
    }, this.connection.transfer?.receiving ?? false);
  }
}
