import * as Y from 'yjs';
import { BoardFold, type FoldChange } from '../domain/fold.ts';
import { closedAtMs, pastRetention } from '../domain/board-view.ts';
import { HybridClock } from '../domain/hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../domain/ids.ts';
import {
  checkBody,
  parseRecord,
  RECORD_VERSION,
  type AnyRecord,
  type RecordKind,
  type UpdateAction,
} from '../domain/records.ts';
import { toBase64url } from '../crypto/base64url.ts';
import { signRecord, verifyRecord, type Identity } from '../crypto/signing.ts';
import type { VaultStore } from '../storage/vault-store.ts';
import { LOCAL_ORIGIN, RECORDS_KEY, VAULT_ORIGIN } from './schema.ts';
import { parseStoredForm, storedForm } from './stored-form.ts';

export interface BoardOptions {
  readonly doc: Y.Doc;
  readonly store: VaultStore;
  readonly founder: AuthorKey;
  readonly identity: Identity;
  readonly now?: () => number;
  /** Called when persisting to the vault fails; the record is still in the shared document. */
  readonly onStoreError?: (error: unknown) => void;
}

export type CommandResult = { ok: true; id: RecordId } | { ok: false; reason: string };

type Listener = (change: FoldChange) => void;

/**
 * One square: the shared document of signed records, the device's vault, and the fold that
 * turns valid records into board state. The only code that reads or writes the Y.Doc layout.
 */
export class Board {
  readonly fold: BoardFold;
  readonly identity: Identity;
  readonly #doc: Y.Doc;
  readonly #records: Y.Map<unknown>;
  readonly #store: VaultStore;
  readonly #clock: HybridClock;
  readonly #vault = new Map<string, AnyRecord>();
  /** The stored (JSON) form of vault records, computed when first compared. */
  readonly #storedForm = new Map<string, string>();
  /** Records accepted but not yet written to the vault: written in one transaction per batch. */
  #unsaved: AnyRecord[] = [];
  readonly #rejected = new Map<string, string>();
  /** Record ids dropped by retention: ignored wherever they come from. */
  readonly #pruned = new Set<string>();
  /** Verified records of pruned posts that came back, by id, until judged (see #sentBack). */
  readonly #returned = new Map<string, AnyRecord>();
  /** Records pruned this session, by post, in case the post turns out not past retention. */
  readonly #graveyard = new Map<PostId, AnyRecord[]>();
  /** Records of pruned posts deleted again this session: each is deleted again once only. */
  readonly #deletedAgain = new Set<string>();
  /** Ids of records a peer deleted that we did not put back, their post being due for pruning. */
  readonly #heldBack = new Set<string>();
  readonly #now: () => number;
  readonly #listeners = new Set<Listener>();
  readonly #onStoreError: (error: unknown) => void;
  #work: Promise<void> = Promise.resolve();
  #persisting: Promise<void> = Promise.resolve();
  #attached = false;

  private constructor(options: BoardOptions) {
    this.#doc = options.doc;
    this.#records = options.doc.getMap(RECORDS_KEY);
    this.#store = options.store;
    this.identity = options.identity;
    this.#now = options.now ?? Date.now;
    this.#clock = new HybridClock(this.#now);
    this.fold = new BoardFold(options.founder);
    this.#onStoreError = options.onStoreError ?? ((error) => console.error('vault write failed', error));
  }

  /** Opens a board from the vault alone, so the list can render before the document loads. */
  static async open(options: BoardOptions): Promise<Board> {
    const board = new Board(options);
    const [verified, rejected, pruned] = await Promise.all([
      options.store.loadVerified(),
      options.store.loadRejected(),
      options.store.loadPruned(),
    ]);
    const kept = new Set<string>(verified.map((record) => record.id));
    // NOTE: a record both pruned and in the vault was taken back after it was pruned.
    for (const id of pruned) if (!kept.has(id)) board.#pruned.add(id);
    for (const record of verified) {
      board.#vault.set(record.id, record);
      board.#clock.observe(record.at);
    }
    for (const [key, sig] of rejected) board.#rejected.set(key, sig);
    board.fold.add(verified);
    return board;
  }

  /**
   * Starts following the shared document: verifies what it holds, puts back vault records it
   * lacks, and from then on handles every change. Call once the document has loaded from local
   * persistence, or restored records would be written twice.
   */
  attach(): Promise<void> {
    if (this.#attached) return this.whenIdle();
    this.#attached = true;
    this.#records.observe(this.#onChange);
    const keys = new Set<string>(this.#records.keys());
    for (const id of this.#vault.keys()) keys.add(id);
    this.#enqueue(keys);
    return this.whenIdle();
  }

  /** Stops following the document. */
  detach(): void {
    if (this.#attached) this.#records.unobserve(this.#onChange);
    this.#attached = false;
  }

  /** Subscribes to board changes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when every change seen so far is verified, folded and stored. */
  async whenIdle(): Promise<void> {
    let work: Promise<void>;
    do {
      work = this.#work;
      await work;
      await this.#persisting;
    } while (work !== this.#work);
  }

  /**
   * Drops posts closed for longer than the square's retention period, with all their records,
   * from the shared document and the vault; nobody restores them. Returns how many posts went.
   */
  prune(nowMs = this.#now()): number {
    const days = this.fold.retentionDays();
    const posts = [...this.fold.posts()].filter((post) => pastRetention(post, nowMs, days)).map((p) => p.id);
    if (posts.length === 0) return 0;
    const ids = posts.flatMap((post) => this.fold.recordIdsOf(post));
    for (const id of ids) this.#bury(id);
    for (const post of posts) this.fold.forget(post);
    this.#doc.transact(() => {
      for (const id of ids) this.#records.delete(id);
    }, LOCAL_ORIGIN);
    this.#persist(() => this.#store.prune(ids));
    this.#notify({ posts: new Set(posts), profiles: new Set(), square: false });
    return posts.length;
  }

  /** Every verified record of posts that are closed now: what a volunteer saves before pruning. */
  closedRecords(nowMs = this.#now()): AnyRecord[] {
    return [...this.fold.posts()]
      .filter((post) => closedAtMs(post, nowMs) !== null)
      .flatMap((post) => this.fold.recordIdsOf(post.id))
      .flatMap((id) => this.#vault.get(id) ?? []);
  }

  /** Entries in the shared document that failed verification, schema or authorisation. */
  get invalidCount(): number {
    return this.#rejected.size + this.fold.rejectedCount;
  }

  publishPost(body: unknown): Promise<CommandResult> {
    return this.#write('post', body);
  }

  updatePost(post: PostId, action: UpdateAction, note?: string): Promise<CommandResult> {
    const target = this.fold.post(post);
    if (!target) return Promise.resolve({ ok: false, reason: 'unknown post' });
    if (target.author !== this.identity.author) return Promise.resolve({ ok: false, reason: 'not your post' });
    return this.#write('update', note ? { post, action, note } : { post, action });
  }

  saveProfile(name: string, building?: string): Promise<CommandResult> {
    return this.#write('profile', building ? { name, building } : { name });
  }

  /** The founder names the square and, optionally, sets how long closed posts are kept. */
  nameSquare(name: string, retentionDays?: number): Promise<CommandResult> {
    if (this.fold.founder !== this.identity.author) {
      return Promise.resolve({ ok: false, reason: 'only the founder names the square' });
    }
    return this.#write('square', retentionDays === undefined ? { name } : { name, retentionDays });
  }

  async #write(kind: RecordKind, body: unknown): Promise<CommandResult> {
    const checked = checkBody(kind, body);
    if (!checked.ok) return checked;
    const record = (await signRecord(
      { v: RECORD_VERSION, kind, author: this.identity.author, at: this.#clock.tick(), body: checked.value },
      this.identity,
    )) as AnyRecord;
    // The post may have been pruned while we signed: an update to it would only be dropped.
    if (record.kind === 'update' && !this.fold.post(record.body.post)) return { ok: false, reason: 'unknown post' };
    this.#doc.transact(() => this.#records.set(record.id, this.#stored(record)), LOCAL_ORIGIN);
    this.#accept([record]);
    return { ok: true, id: record.id };
  }

  readonly #onChange = (event: Y.YMapEvent<unknown>): void => {
    const origin = event.transaction.origin;
    if (origin === LOCAL_ORIGIN || origin === VAULT_ORIGIN) return;
    this.#enqueue(new Set(event.keysChanged));
  };

  #enqueue(keys: ReadonlySet<string>): void {
    // Batches are handled one after another so counts and restores never interleave.
    this.#work = this.#work.then(() => this.#ingest(keys)).catch((error: unknown) => console.error(error));
  }

  async #ingest(keys: ReadonlySet<string>): Promise<void> {
    const all = [...keys];
    for (let start = 0; start < all.length; start += INGEST_SLICE) {
      // NOTE: a big batch (a newcomer's first open) is handled in slices with a yield between
      // them, so the page stays responsive while tens of thousands of records are checked.
      if (start > 0) await yieldToEventLoop();
      await this.#ingestSlice(all.slice(start, start + INGEST_SLICE));
    }
  }

  async #ingestSlice(keys: readonly string[]): Promise<void> {
    const fresh: AnyRecord[] = [];
    const missing: AnyRecord[] = [];
    const rejected = new Map<string, string>();
    const returned: AnyRecord[] = [];
    const lost: AnyRecord[] = [];
    await Promise.all(
      keys.map(async (key) => {
        const value = this.#records.get(key);
        const known = this.#vault.get(key);
        if (value === undefined) {
          if (known) lost.push(known);
          return;
        }
        // The verification cache: the exact stored form of a record already verified.
        if (known && value === this.#stored(known)) return;
        const fingerprint = await fingerprintOf(value);
        if (!known && this.#rejected.get(key) === fingerprint) return;
        const parsed = parseRecord(parseStoredForm(value));
        const id = parsed.ok ? await verifyRecord(parsed.value) : null;
        if (parsed.ok && id === key) {
          const record = { ...parsed.value, id } as AnyRecord;
          const post = postOf(record);
          // A record of a post we dropped: sent back by a peer, or a late update.
          if (post !== null && this.#pruned.has(post)) returned.push(record);
          else fresh.push(record);
          return;
        }
        rejected.set(key, fingerprint);
        // A valid record overwritten with something else counts as deleted.
        if (known) lost.push(known);
      }),
    );
    // Put back what a peer deleted, unless the peer may have pruned it. NOTE: an update whose
    // post we never had is dropped: most likely a peer pruned the post; if not, a device that
    // has the post puts the update back.
    const dropped: RecordId[] = [];
    for (const record of lost) {
      if (record.kind === 'update' && !this.fold.post(record.body.post)) dropped.push(record.id);
      else if (this.#dueForPruning(record)) this.#heldBack.add(record.id);
      else missing.push(record);
    }
    if (dropped.length > 0) this.#drop(dropped);
    const { keep, putBack, stale } = this.#sentBack(returned);
    fresh.push(...keep);
    missing.push(...putBack);
    for (const [key, sig] of rejected) this.#rejected.set(key, sig);
    if (rejected.size > 0) this.#persist(() => this.#store.putRejected(rejected));
    if (missing.length > 0 || stale.length > 0) {
      this.#doc.transact(() => {
        for (const record of missing) this.#records.set(record.id, this.#stored(record));
        // A peer that has not pruned yet sent back what we dropped: drop it again.
        for (const record of stale) this.#records.delete(record.id);
      }, VAULT_ORIGIN);
    }
    if (fresh.length > 0) this.#accept(fresh);
    else if (rejected.size > 0) this.#notify({ posts: new Set(), profiles: new Set(), square: false });
    this.prune();
  }

  /**
   * Judges records of posts this device pruned that came back: sent back by a peer that kept
   * them, or late updates. A peer puts a post back only while, by the records it holds, the post
   * is not past retention; when the records sent back show that too (that peer saw an update we
   * did not: a renewal, a resolution after expiry), the post is taken back here, or the two
   * devices would delete and restore it forever. Otherwise they are deleted again, but once
   * only: one sent back after that comes from a peer that still disagrees (a clock more than a
   * day off), and is left in the document, unused here, until that peer prunes it too. Records
   * that come in separate batches are judged together.
   */
  #sentBack(records: readonly AnyRecord[]): { keep: AnyRecord[]; putBack: AnyRecord[]; stale: AnyRecord[] } {
    const keep: AnyRecord[] = [];
    const putBack: AnyRecord[] = [];
    const stale: AnyRecord[] = [];
    for (const record of records) this.#returned.set(record.id, record);
    for (const post of new Set(records.map(postOf))) {
      if (post === null) continue;
      // What peers hold now, so that devices that pruned the post judge the same records; what
      // else we know of it (pruned, or sent back and deleted again) counts only if it keeps the
      // post live too.
      const returned = [...this.#returned.values()].filter((record) => postOf(record) === post);
      const sent = returned.filter((record) => this.#records.get(record.id) === this.#stored(record));
      const known = new Map([...(this.#graveyard.get(post) ?? []), ...returned].map((r) => [r.id, r]));
      const buried = [...known.values()].filter((record) => !sent.includes(record));
      const waiting = this.#held(post); // updates kept since wait in the fold for their post
      // A device that saw only some of a post's records may find it closed later than we did.
      const back = this.#live(post, [...sent, ...buried, ...waiting])
        ? [...sent, ...buried]
        : this.#live(post, [...sent, ...waiting])
          ? sent
          : [];
      this.#takeBack(post, back);
      for (const record of back) {
        keep.push(record);
        if (!this.#records.has(record.id)) putBack.push(record);
      }
    }
    for (const record of records) {
      if (!this.#returned.has(record.id) || this.#deletedAgain.has(record.id)) continue;
      this.#deletedAgain.add(record.id);
      stale.push(record);
    }
    return { keep, putBack, stale };
  }

  /** Forgets that records of a post were pruned: they are about to be accepted again. */
  #takeBack(post: PostId, records: readonly AnyRecord[]): void {
    const ids = new Set(records.map((record) => record.id));
    for (const id of ids) {
      this.#pruned.delete(id);
      this.#returned.delete(id);
    }
    const buried = (this.#graveyard.get(post) ?? []).filter((record) => !ids.has(record.id));
    if (buried.length > 0) this.#graveyard.set(post, buried);
    else this.#graveyard.delete(post);
  }

  /**
   * After posts changed, puts back what is missing from the document of those that are no longer
   * due for pruning (a late renewal, say): records a peer deleted that we let go while the post
   * was due, and records we pruned ourselves before a peer showed the post was not past
   * retention, if it stays live with them.
   */
  #reconcile(posts: ReadonlySet<PostId>): void {
    const missing: AnyRecord[] = [];
    const buried: AnyRecord[] = [];
    for (const post of posts) {
      const state = this.fold.post(post);
      if (!state || pastRetention(state, this.#now() + PRUNE_GRACE_MS, this.fold.retentionDays())) continue;
      const held = this.#held(post);
      for (const record of held) {
        if (this.#heldBack.delete(record.id) && this.#records.get(record.id) !== this.#stored(record)) {
          missing.push(record);
        }
      }
      const pruned = this.#graveyard.get(post);
      if (!pruned || !this.#live(post, [...held, ...pruned])) continue;
      this.#takeBack(post, pruned);
      buried.push(...pruned);
    }
    if (missing.length === 0 && buried.length === 0) return;
    this.#doc.transact(() => {
      for (const record of [...missing, ...buried]) this.#records.set(record.id, this.#stored(record));
    }, VAULT_ORIGIN);
    if (buried.length > 0) this.#accept(buried);
  }

  /** The records of a post in the vault. */
  #held(post: PostId): AnyRecord[] {
    return this.fold.recordIdsOf(post).flatMap((id) => this.#vault.get(id) ?? []);
  }

  /** Whether these records of a post make it a post not past retention. */
  #live(post: PostId, records: readonly AnyRecord[]): boolean {
    const probe = new BoardFold(this.fold.founder);
    probe.add(records);
    const state = probe.post(post);
    return state !== undefined && !pastRetention(state, this.#now(), this.fold.retentionDays());
  }

  /** Drops updates waiting for a post that a peer pruned, as if we had pruned them. */
  #drop(ids: readonly RecordId[]): void {
    for (const id of ids) {
      const record = this.#vault.get(id);
      if (record?.kind === 'update') this.fold.forgetWaiting(id, record.body.post);
      this.#bury(id);
    }
    this.#persist(() => this.#store.prune(ids));
  }

  /** Moves a record from the vault to the graveyard. */
  #bury(id: string): void {
    const record = this.#vault.get(id);
    const post = record ? postOf(record) : null;
    if (record && post !== null) this.#graveyard.set(post, [...(this.#graveyard.get(post) ?? []), record]);
    this.#pruned.add(id);
    this.#vault.delete(id);
    this.#storedForm.delete(id);
  }

  /**
   * Whether a record belongs to a post that is past, or within a day of, retention. Such a
   * record deleted by a peer is not put back: that peer pruned it, perhaps with a clock a little
   * ahead of ours, and restoring it would only start a tug of war. A peer that prunes deletes the
   * post record too, so an update deleted while its post is still there is put back.
   */
  #dueForPruning(record: AnyRecord): boolean {
    const postId = postOf(record);
    const post = postId === null ? undefined : this.fold.post(postId);
    if (post === undefined || (record.kind === 'update' && this.#records.has(post.id))) return false;
    return pastRetention(post, this.#now() + PRUNE_GRACE_MS, this.fold.retentionDays());
  }

  #accept(records: AnyRecord[]): void {
    for (const record of records) {
      this.#vault.set(record.id, record);
      this.#clock.observe(record.at);
    }
    this.#saveToVault(records);
    const change = this.fold.add(records);
    this.#notify(change);
    this.#reconcile(change.posts);
  }

  /** Queues records for the vault; everything queued while a write runs goes in the next one. */
  #saveToVault(records: readonly AnyRecord[]): void {
    const first = this.#unsaved.length === 0;
    this.#unsaved.push(...records);
    if (!first) return;
    this.#persist(() => {
      const batch = this.#unsaved;
      this.#unsaved = [];
      return this.#store.putVerified(batch);
    });
  }

  /** The form a record takes in the shared map: JSON text of the signed record, without its id. */
  #stored(record: AnyRecord): string {
    let json = this.#storedForm.get(record.id);
    if (json === undefined) {
      json = storedForm(record);
      this.#storedForm.set(record.id, json);
    }
    return json;
  }

  #persist(write: () => Promise<void>): void {
    this.#persisting = this.#persisting.then(write).catch(this.#onStoreError);
  }

  #notify(change: FoldChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/** The post a record belongs to, if any. */
function postOf(record: AnyRecord): PostId | null {
  return record.kind === 'post' ? record.id : record.kind === 'update' ? record.body.post : null;
}

/** Clock difference between devices tolerated when a peer prunes before we do. */
export const PRUNE_GRACE_MS = 24 * 3_600_000;

/** Records checked per slice before yielding to the event loop. */
export const INGEST_SLICE = 2000;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const encoder = new TextEncoder();

/**
 * What the rejected-entry cache remembers of an entry: a hash of all of it. NOTE: not just the
 * signature, since a tampered copy keeps the genuine signature and must not shadow the genuine
 * record when that arrives later under the same key.
 */
async function fingerprintOf(value: unknown): Promise<string> {
  const json = jsonOf(value);
  if (json === undefined) return ''; // not JSON, so never a valid record
  return toBase64url(await crypto.subtle.digest('SHA-256', encoder.encode(json)));
}

/** JSON text of a value from the shared map, which Yjs lets hold what JSON cannot (BigInt). */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
