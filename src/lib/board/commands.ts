import { signRecord, type Identity } from '../crypto/signing.ts';
import { RECORD_VERSION } from '../domain/envelope.ts';
import type { BoardView } from '../domain/fold/board-fold.ts';
import type { HybridClock } from '../domain/hlc.ts';
import type { PostId, RecordId } from '../domain/ids.ts';
import { checkBody, KINDS, type AnyRecord, type BodyByKind, type RecordKind } from '../domain/kinds/registry.ts';
import type { KindSpec } from '../domain/kinds/kind.ts';
import type { UpdateAction } from '../domain/kinds/update.ts';
import type { ReasonCode, Verdict } from '../domain/reasons.ts';

/** A command's outcome: the new record's id, or why it was refused (a code the UI translates). */
export type CommandResult =
  | { readonly ok: true; readonly id: RecordId }
  | { readonly ok: false; readonly reason: ReasonCode; readonly field?: string };

/**
 * What a resident can do to a square. Each command checks the body with its kind's schema and
 * the author with its kind's `authorise`, the same rule the fold judges with, then signs.
 */
export class Commands {
  readonly #identity: Identity;
  readonly #view: BoardView;
  readonly #clock: HybridClock;
  readonly #publish: (record: AnyRecord) => void;

  constructor(identity: Identity, view: BoardView, clock: HybridClock, publish: (record: AnyRecord) => void) {
    this.#identity = identity;
    this.#view = view;
    this.#clock = clock;
    this.#publish = publish;
  }

  publishPost(body: unknown): Promise<CommandResult> {
    return this.#write('post', body);
  }

  updatePost(post: PostId, action: UpdateAction, note?: string): Promise<CommandResult> {
    return this.#write('update', note ? { post, action, note } : { post, action });
  }

  /** The author erases a post: every device drops its content and refuses it if sent back. */
  erasePost(post: PostId): Promise<CommandResult> {
    return this.#write('erase', { post });
  }

  saveProfile(name: string, building?: string): Promise<CommandResult> {
    return this.#write('profile', building ? { name, building } : { name });
  }

  /** The founder names the square and, optionally, sets how long closed posts are kept. */
  nameSquare(name: string, retentionDays?: number): Promise<CommandResult> {
    return this.#write('square', retentionDays === undefined ? { name } : { name, retentionDays });
  }

  async #write<K extends RecordKind>(kind: K, input: unknown): Promise<CommandResult> {
    const body = checkBody(kind, input);
    if (!body.ok) return body;
    const allowed = this.#authorise(kind, body.value);
    if (!allowed.ok) return allowed;
    const record = (await signRecord(
      { v: RECORD_VERSION, kind, author: this.#identity.author, at: this.#clock.tick(), body: body.value },
      this.#identity,
    )) as AnyRecord;
    // The subject may have changed while we signed (a post pruned): judge again.
    const still = this.#authorise(kind, body.value);
    if (!still.ok) return still;
    this.#publish(record);
    return { ok: true, id: record.id };
  }

  #authorise<K extends RecordKind>(kind: K, body: BodyByKind[K]): Verdict {
    const spec = KINDS[kind] as KindSpec<BodyByKind[K], unknown>;
    const authored = { author: this.#identity.author, body };
    // NOTE: an unsigned record has no id yet (''), so only a record about another one has a subject.
    const subjectId = spec.subjectOf({ ...authored, id: '' as RecordId });
    const subject = subjectId ? this.#view.post(subjectId) : undefined;
    return spec.authorise(authored, subject, this.#view.authority);
  }
}
