import type { Identity } from '../crypto/signing.ts';
import type { BoardView } from '../domain/fold/board-view.ts';
import type { HybridClock } from '../domain/hlc.ts';
import type { AuthorKey, PostId, RecordId, RoomId, SealKey } from '../domain/ids.ts';
import type { AnyRecord, RecordKind } from '../domain/kinds/registry.ts';
import type { FollowupBody } from '../domain/kinds/followup.ts';
import type { EditBody } from '../domain/kinds/edit.ts';
import type { MessageAbout, SealedBox } from '../domain/kinds/message.ts';
import type { HandoverAction } from '../domain/kinds/handover.ts';
import type { HideReason } from '../domain/kinds/moderation.ts';
import type { RoleAction } from '../domain/kinds/role.ts';
import type { UpdateAction } from '../domain/kinds/update.ts';
import type { ReasonCode } from '../domain/reasons.ts';

/** A command's outcome: the new record's id, or why it was refused (a code the UI translates). */
export type CommandResult =
  | { readonly ok: true; readonly id: RecordId }
  | { readonly ok: false; readonly reason: ReasonCode; readonly field?: string };

/**
 * What a resident can do to a square. Each command checks the body with its kind's schema and
 * the author with its kind's `authorise`, the same rule the fold judges with, then signs
 * (command-writer.ts, which loads with the first command, with the schemas and the signing code).
 */
export class Commands {
  readonly #identity: Identity;
  readonly #view: BoardView;
  readonly #clock: HybridClock;
  readonly #publish: (record: AnyRecord) => void;
  readonly #late: () => Promise<void>;

  /** `late`: brings the late kinds (kinds/registry.ts LATE_KINDS) and the board's upkeep, which every command awaits. */
  constructor(
    identity: Identity,
    view: BoardView,
    clock: HybridClock,
    publish: (record: AnyRecord) => void,
    late: () => Promise<void>,
  ) {
    this.#identity = identity;
    this.#view = view;
    this.#clock = clock;
    this.#publish = publish;
    this.#late = late;
  }

  publishPost(body: unknown): Promise<CommandResult> {
    return this.#write('post', body);
  }

  updatePost(post: PostId, action: UpdateAction, note?: string): Promise<CommandResult> {
    return this.#write('update', note ? { post, action, note } : { post, action });
  }

  /** The author changes a post's items, quantities, place or note; judged as a new post would be. */
  editPost(post: PostId, fields: Omit<EditBody, 'post'>): Promise<CommandResult> {
    return this.#write('edit', { post, ...fields });
  }

  /** The author erases a post: every device drops its content and refuses it if sent back. */
  erasePost(post: PostId): Promise<CommandResult> {
    return this.#write('erase', { post });
  }

  /** Publishes the resident's name, building and the key messages to them are sealed to. */
  saveProfile(name: string, building?: string, seal?: SealKey): Promise<CommandResult> {
    return this.#write('profile', { name, ...(building ? { building } : {}), ...(seal ? { seal } : {}) });
  }

  /** Sends a message about a post or a stock offer, already sealed to its recipient and to this resident. */
  sendMessage(about: MessageAbout, to: AuthorKey, box: SealedBox): Promise<CommandResult> {
    return this.#write('message', { ...about, to, box });
  }

  /** A volunteer's desk work on a post: claim, release, outcome, deferral, or a note already sealed. */
  followUp(body: FollowupBody): Promise<CommandResult> {
    return this.#write('followup', body);
  }

  /** The founder names the square and, optionally, sets how long closed posts are kept. */
  nameSquare(name: string, retentionDays?: number): Promise<CommandResult> {
    return this.#write('square', retentionDays === undefined ? { name } : { name, retentionDays });
  }

  /** The founder or a volunteer draws the compound: its buildings and pickup points, whole. */
  saveSite(site: unknown): Promise<CommandResult> {
    return this.#write('site', site);
  }

  /** Pins a stock offer (its body carries the commitment to the seed of its draw). */
  pinStock(offer: unknown): Promise<CommandResult> {
    return this.#write('stock', offer);
  }

  /** A household claims from a stock offer, inside its window. */
  claimStock(claim: unknown): Promise<CommandResult> {
    return this.#write('claim', claim);
  }

  /** The organiser reveals the seed once the window closed, listing the claims held then. */
  revealDraw(offer: RecordId, seed: string, claims: readonly RecordId[]): Promise<CommandResult> {
    return this.#write('draw', { offer, seed, claims: [...claims].sort() });
  }

  /** Collected, declined or released: what happened to a claim at the pickup point. */
  handOver(claim: RecordId, action: HandoverAction): Promise<CommandResult> {
    return this.#write('handover', { claim, action });
  }

  /** The founder moves the square away from `from`: the new link sealed to those who may follow. */
  moveSquare(from: RoomId, box: SealedBox): Promise<CommandResult> {
    return this.#write('move', { from, box });
  }

  /** The founder starts a fresh shared document: epoch `epoch`, seeded from the live records. */
  startEpoch(epoch: number): Promise<CommandResult> {
    return this.#write('epoch', { epoch });
  }

  /** The founder makes a resident a volunteer, removes the role, or hands the founder role on. */
  setRole(member: AuthorKey, action: RoleAction): Promise<CommandResult> {
    return this.#write('role', { action, member });
  }

  /** A volunteer vouches for a resident they know in person (from the resident's code). */
  vouch(member: AuthorKey): Promise<CommandResult> {
    return this.#write('vouch', { member });
  }

  /** Any member reports a post to the volunteers. */
  report(post: PostId, reason: HideReason): Promise<CommandResult> {
    return this.#write('report', { post, reason });
  }

  /** A volunteer hides a post; its author sees it, with the reason. */
  hidePost(post: PostId, reason: HideReason): Promise<CommandResult> {
    return this.#write('moderation', { action: 'hide', post, reason });
  }

  /** A volunteer blocks a key: every device ignores its records. */
  block(member: AuthorKey, reason: HideReason): Promise<CommandResult> {
    return this.#write('moderation', { action: 'block', member, reason });
  }

  /** A volunteer takes back a hide or a block. */
  undoModeration(moderation: RecordId): Promise<CommandResult> {
    return this.#write('moderation', { action: 'undo', moderation });
  }

  async #write(kind: RecordKind, input: unknown): Promise<CommandResult> {
    // NOTE: a record is published once every kind can be judged and the upkeep is here (Board.loadLate).
    const [{ writeRecord }] = await Promise.all([import('./command-writer.ts'), this.#late()]);
    return writeRecord(
      { identity: this.#identity, view: this.#view, clock: this.#clock, publish: this.#publish },
      kind,
      input,
    );
  }
}
