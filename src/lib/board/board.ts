import type * as Y from 'yjs';
import { InProcessSignatureVerifier, type SignatureVerifier } from '../crypto/signature-verifier.ts';
import type { Identity } from '../crypto/signing.ts';
import { assert } from '../domain/assert.ts';
import type { Clock } from '../domain/clock.ts';
import { closedAtMs } from '../domain/expiry.ts';
import { BoardFold } from '../domain/fold/board-fold.ts';
import type { BoardView } from '../domain/fold/board-view.ts';
import type { FoldChange } from '../domain/fold/slice.ts';
import { HybridClock } from '../domain/hlc.ts';
import type { AuthorKey, RecordId } from '../domain/ids.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { VaultStore } from '../storage/vault-store.ts';
import type { CopyEntry } from '../domain/square-copy.ts';
import { Commands } from './commands.ts';
import type { Ingestion } from './ingestion.ts';
import { DeferredRecordsMap } from './deferred-map.ts';
import { parseStoredForm } from './stored-form.ts';
import { FILE_ORIGIN, LOCAL_ORIGIN } from './schema.ts';
import type { BoardUpkeep } from './upkeep.ts';
import { Vault } from './vault.ts';

export type { CommandResult } from './commands.ts';

export interface BoardOptions {
  /** The square's shared document; without it the board opens from the vault and `attach` brings it. */
  readonly doc?: Y.Doc;
  readonly store: VaultStore;
  readonly founder: AuthorKey;
  readonly identity: Identity;
  readonly clock: Clock;
  /** Called when persisting to the vault fails; the record is still in the shared document. */
  readonly onStoreError?: (error: unknown) => void;
  /** Checks signatures (default: in this thread; the page passes a pool of workers). */
  readonly signatures?: SignatureVerifier;
}

/** What the board announces after records changed: the fold's change, and whether posts were pruned. */
export interface BoardChange extends FoldChange {
  /** Records retention or erasure dropped in this change (the stored document may be compacted). */
  readonly pruned: number;
}

/** What merging a file did: how many records and posts were new here, or how many were forged. */
export type MergeResult =
  | { readonly ok: true; readonly records: number; readonly posts: number }
  | { readonly ok: false; readonly forged: number };

const NOTHING: FoldChange = {
  posts: new Set(),
  profiles: new Set(),
  square: false,
  messages: false,
  stock: false,
  dropped: new Set(),
};

type Listener = (change: BoardChange) => void;

/** How often retention runs while the square is open, besides after each batch of changes. */
export const PRUNE_EVERY_MS = 30_000;

/**
 * One square: the shared map of signed records, the device's vault, and the fold that turns
 * valid records into board state. A facade over its parts: the records map (the Y layout), the
 * vault, the commands, and, loaded after the first paint, the upkeep (retention, blocks, restores)
 * and the intake from the document.
 */
export class Board {
  readonly identity: Identity;
  readonly commands: Commands;
  readonly #fold: BoardFold;
  readonly #map = new DeferredRecordsMap();
  readonly #vault: Vault;
  /** Entries found invalid, as the vault kept them, until ingestion takes them over. */
  readonly #rejected: ReadonlyMap<string, string>;
  /** The intake from the shared document, once the board follows one. */
  #ingestion: Ingestion | null = null;
  readonly #signatures: SignatureVerifier;
  /** Retention, blocks and restores, with the late kinds (`loadLate`); null until then. */
  #upkeep: BoardUpkeep | null = null;
  /** What the vault remembers as pruned, and what the fold dropped on opening, for the upkeep. */
  readonly #pruned: ReadonlySet<string>;
  readonly #droppedOnOpen: readonly RecordId[];
  readonly #clock: Clock;
  readonly #hlc: HybridClock;
  readonly #listeners = new Set<Listener>();
  readonly #detach: (() => void)[] = [];
  #attached = false;
  #late: Promise<BoardUpkeep> | null = null;

  private constructor(options: BoardOptions, contents: Awaited<ReturnType<typeof Vault.load>>) {
    this.identity = options.identity;
    this.#clock = options.clock;
    this.#hlc = new HybridClock(() => options.clock.now());
    this.#fold = new BoardFold(options.founder, () => options.clock.now());
    this.#vault = new Vault(
      options.store,
      options.onStoreError ?? ((error) => console.error('kaifong: vault write failed', error)),
    );
    this.#signatures = options.signatures ?? new InProcessSignatureVerifier();
    this.#rejected = contents.rejected;
    this.#pruned = contents.pruned;
    this.commands = new Commands(
      this.identity,
      this.#fold,
      this.#hlc,
      (record) => {
        this.#map.write(LOCAL_ORIGIN, (w) => w.put(record));
        this.#accept([record]);
      },
      () => this.loadLate(),
    );
    this.#vault.remember(contents.verified);
    for (const record of contents.verified) this.#hlc.observe(record.at);
    // A vault written before a kind dropped replaced records (the site's) may still hold some:
    // they leave for good with the upkeep.
    this.#droppedOnOpen = [...this.#fold.add(contents.verified).dropped];
  }

  /**
   * Opens a board from the vault alone, so the list can render before the document loads (and,
   * without `doc`, before yjs is even fetched).
   */
  static async open(options: BoardOptions): Promise<Board> {
    const board = new Board(options, await Vault.load(options.store));
    if (options.doc) await board.#bind(options.doc);
    return board;
  }

  async #bind(doc: Y.Doc): Promise<void> {
    // NOTE: records-map.ts is the board's only importer of yjs: loaded here, out of the first load.
    const { RecordsMap } = await import('./records-map.ts');
    this.#map.bind(new RecordsMap(doc));
  }

  /** The square's state, read-only. */
  get view(): BoardView {
    return this.#fold;
  }

  /**
   * Brings the kinds the list's first paint does not need (domain/late-kinds.ts, a chunk of its
   * own) and folds the records of theirs the vault held; resolves once they count. Call after the
   * first paint; `attach`, `merge` and their commands wait for it, so nothing from a peer or a
   * file is judged before every kind can be.
   */
  async loadLate(): Promise<void> {
    await this.#loadLate();
  }

  /** The late kinds and the upkeep (retention, blocks, restores), once. */
  #loadLate(): Promise<BoardUpkeep> {
    this.#late ??= Promise.all([import('../domain/late-kinds.ts'), import('./upkeep.ts')]).then(
      ([{ lateKinds }, { BoardUpkeep }]) => {
        const upkeep = (this.#upkeep = new BoardUpkeep(
          {
            fold: this.#fold,
            vault: this.#vault,
            map: this.#map,
            clock: this.#clock,
            accept: (records) => this.#accept(records),
          },
          this.#pruned,
        ));
        const change = this.#fold.extend(lateKinds);
        const pruned = upkeep.dropForGood([...this.#droppedOnOpen, ...change.dropped]);
        // NOTE: a page that had the late kinds already (another square opened) folded them from the vault.
        if (change.posts.size > 0 || change.messages || change.stock || change.square || pruned > 0)
          this.#notify({ ...change, pruned });
        upkeep.reconcile(change.posts);
        return upkeep;
      },
    );
    return this.#late;
  }

  /** The upkeep, which everything that writes records or follows the document comes after. */
  get #kept(): BoardUpkeep {
    assert(this.#upkeep !== null, 'records are written and the document followed after loadLate');
    return this.#upkeep;
  }

  /**
   * Starts following the shared document (`doc`, unless the board was opened with it): verifies
   * what it holds, puts back vault records it lacks, and from then on handles every change, and
   * runs retention every PRUNE_EVERY_MS. Call once the document has loaded from local persistence,
   * or restored records would be written twice.
   */
  async attach(doc?: Y.Doc): Promise<void> {
    if (this.#attached) return this.whenIdle();
    this.#attached = true;
    this.#signatures.prepare();
    // NOTE: nothing from the document is judged before every kind can be (loadLate).
    const ingestion = await this.#ingest();
    if (doc && !this.#map.bound) await this.#bind(doc);
    assert(this.#map.bound, 'a board attaches to a document');
    this.#detach.push(this.#map.observeRemote((keys) => ingestion.changed(keys)));
    this.#detach.push(
      this.#clock.every(PRUNE_EVERY_MS, () => {
        this.#releaseDue();
        this.prune();
      }),
    );
    const keys = new Set<string>(this.#map.keys());
    for (const id of this.#vault.ids()) keys.add(id);
    ingestion.enqueue(keys);
    return this.whenIdle();
  }

  /** The intake from the shared document, loaded (out of the first load) when the board first attaches. */
  async #ingest(): Promise<Ingestion> {
    if (this.#ingestion) return this.#ingestion;
    const [upkeep, { Ingestion }] = await Promise.all([this.#loadLate(), import('./ingestion.ts')]);
    this.#ingestion ??= new Ingestion(
      {
        map: this.#map,
        vault: this.#vault,
        fold: this.#fold,
        retention: upkeep.retention,
        blocks: upkeep.blocks,
        clock: this.#clock,
        accept: (records) => this.#accept(records),
        notify: (change) => this.#notify({ ...change, pruned: 0 }),
        settle: (held, putBack) => {
          upkeep.sweepBlocks(held);
          upkeep.restore(putBack);
          this.prune();
        },
      },
      this.#rejected,
      this.#signatures,
    );
    return this.#ingestion;
  }

  /**
   * Moves to the fresh document of a new epoch (domain/kinds/epoch.ts): stops following the old
   * one, whose tombstones and junk stay behind, and writes to the new one from now on. `seed`, on
   * the device that started the epoch: every live record (retention applied, blocked keys' left
   * out) goes into it in one write. Any other device leaves it as it came and attaches once a
   * neighbour on the new epoch has sent it its document: only what that neighbour lacked (records
   * written offline on the old epoch after the cut) is then put back, not every record again, which
   * would leave a tombstone per record per device. Call `attach` afterwards.
   */
  async moveTo(doc: Y.Doc, seed: boolean): Promise<void> {
    this.detach();
    await this.whenIdle();
    this.prune();
    const { RecordsMap } = await import('./records-map.ts');
    this.#map.rebind(new RecordsMap(doc));
    this.#ingestion?.forgetUnjudged();
    if (!seed) return;
    const live = this.records().filter((record) => !this.#kept.blocks.isBlocked(record));
    this.#map.write(LOCAL_ORIGIN, (w) => live.forEach((record) => w.put(record)));
  }

  /**
   * How large the shared document is beside the live records it holds, in bytes: what tells the
   * founder that a fresh document (an epoch) would leave many tombstones behind.
   */
  sizes(): { readonly document: number; readonly live: number } {
    let live = 0;
    for (const record of this.records())
      if (this.#map.holds(record)) live += record.id.length + this.#map.storedForm(record).length;
    return { document: this.#map.bytes(), live };
  }

  /**
   * An epoch record a peer on a later epoch offered in its HELLO: checked by the verifier like a
   * file's, and merged, so the fold judges it (whether it counts is the kind's rule). Resolves
   * with the record if it is genuine.
   */
  async adoptEpoch(id: string, storedRecord: string): Promise<AnyRecord | null> {
    await this.loadLate();
    const entry = { id, record: parseStoredForm(storedRecord) };
    const { checkCopy } = await import('./copy.ts');
    const checked = await checkCopy([entry], this.#signatures);
    if (!checked.ok || checked.records.length !== 1) return null;
    await this.merge([entry]);
    return checked.records[0]!;
  }

  /** Stops following the document. */
  detach(): void {
    for (const stop of this.#detach.splice(0)) stop();
    this.#upkeep?.stop();
    this.#attached = false;
  }

  /** Subscribes to board changes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when every change seen so far is verified, folded and stored. */
  async whenIdle(): Promise<void> {
    let work: Promise<void> | undefined;
    do {
      work = this.#ingestion?.work;
      await work;
      await this.#vault.whenWritten();
    } while (work !== this.#ingestion?.work);
  }

  /**
   * Drops posts closed for longer than the square's retention period, with all their records,
   * from the shared document and the vault; nobody restores them. Returns how many posts went.
   */
  prune(nowMs = this.#clock.now()): number {
    const due = this.#kept.pruneDue(nowMs);
    if (!due) return 0;
    this.#notify({ ...NOTHING, posts: due.changed, messages: true, pruned: due.ids });
    return due.posts;
  }

  /** The valid records this device holds by one author. */
  recordsBy(author: AuthorKey): IterableIterator<AnyRecord> {
    return this.#vault.recordsBy(author);
  }

  /** Every valid record this device holds: what a copy of the square on a file carries. */
  records(): AnyRecord[] {
    return [...this.#vault.ids()].flatMap((id) => this.#vault.get(id) ?? []);
  }

  /**
   * Merges the records of a file: checked by the verifier first (a file with one forged record
   * changes nothing), then written to the shared map as a peer's would be, so the same ingest
   * judges them (erased, pruned or fresh) and they reach every neighbour from here.
   */
  async merge(entries: readonly CopyEntry[]): Promise<MergeResult> {
    await this.loadLate();
    const { checkCopy } = await import('./copy.ts');
    const checked = await checkCopy(entries, this.#signatures);
    if (!checked.ok) return checked;
    const fresh = checked.records.filter((record) => this.#vault.get(record.id) === undefined);
    const posts = this.#fold.postCount;
    if (fresh.length > 0) this.#map.write(FILE_ORIGIN, (w) => fresh.forEach((record) => w.put(record)));
    await this.whenIdle();
    return { ok: true, records: fresh.length, posts: Math.max(0, this.#fold.postCount - posts) };
  }

  /** Every verified record of posts that are closed now: what a volunteer saves before pruning. */
  closedRecords(nowMs = this.#clock.now()): AnyRecord[] {
    return [...this.#fold.posts()]
      .filter((post) => closedAtMs(post, nowMs) !== null)
      .flatMap((post) => this.#fold.recordIdsOf(post.id))
      .flatMap((id) => this.#vault.get(id) ?? []);
  }

  /**
   * Judges an update from a peer before it is applied (issue 9, attack 2): how many records
   * this device holds as live it would delete or overwrite, and what to apply instead: the update
   * less those deletions (and less deletions of entries not here yet). Deletions the retention
   * rule allows (a post due for pruning, an update whose post is not here) do no harm, nor do
   * deletions of a blocked key's records (board/blocks.ts), nor of entries that are not validly
   * signed records: this device never holds those. An overwrite cannot be taken out of its
   * author's run of changes: it is applied, and the vault puts the genuine record back,
   * rate-limited, as after any peer's damage. An entry not verified yet counts as harmed until it
   * is: the exchange judges again once this board is idle, so nothing slips past a record being checked.
   */
  judge(update: Uint8Array): { readonly harm: number; readonly accept: readonly Uint8Array[] } {
    const incoming = this.#map.read(update);
    const going = new Set([...incoming.deleted, ...incoming.overwritten]);
    const harmed = new Set(this.#kept.harmed(going).map((record) => record.id as string));
    for (const key of going) if (this.#ingestion?.isUnjudged(key) && !this.#vault.get(key)) harmed.add(key);
    return { harm: harmed.size, accept: incoming.without(harmed) };
  }

  /**
   * After the exchange took harmful deletions out of an update: puts back, as new entries, the
   * records it would have deleted, batched and rate-limited. The peer that sent it lacks them,
   * perhaps only because it passed on someone else's deletion before it had checked them.
   */
  repair(update: Uint8Array): void {
    const incoming = this.#map.read(update);
    const upkeep = this.#kept;
    upkeep.repair(upkeep.harmed(incoming.deleted));
  }

  /** Entries in the shared document that failed verification, schema or authorisation. */
  get invalidCount(): number {
    return (this.#ingestion?.rejectedCount ?? this.#rejected.size) + this.#fold.rejectedCount;
  }

  #accept(records: AnyRecord[]): void {
    const upkeep = this.#kept;
    for (const record of records) this.#hlc.observe(record.at);
    this.#vault.save(records);
    const change = this.#fold.add(records);
    upkeep.sweepBlocks(records);
    this.#notify({ ...change, pruned: upkeep.dropForGood(change.dropped) });
    upkeep.reconcile(change.posts);
  }

  /** Folds records that were dated ahead and whose time has come. */
  #releaseDue(): void {
    if (this.#fold.futureCount === 0) return;
    const change = this.#fold.releaseDue();
    if (change.posts.size > 0 || change.profiles.size > 0 || change.square || change.messages || change.stock)
      this.#notify({ ...change, pruned: 0 });
  }

  #notify(change: BoardChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
