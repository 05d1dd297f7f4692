import { SvelteMap } from 'svelte/reactivity';
import { openBox, seal } from '../crypto/seal.ts';
import { noteBinding, NOTE_TEXT_MAX, noteReaders } from '../domain/desk.ts';
import type { AuthorKey, PostId, RecordId } from '../domain/ids.ts';
import type { FollowupBody } from '../domain/kinds/followup.ts';
import { messageLength } from '../domain/kinds/message.ts';
import type { VerifiedRecord } from '../domain/kinds/registry.ts';
import type { CommandOutcome } from './command.ts';
import type { DeskContext } from './desk.svelte.ts';

/** A volunteer note as opened on this device: null when it was not sealed to this volunteer. */
export interface DeskNote {
  readonly id: RecordId;
  readonly by: AuthorKey;
  readonly atMs: number;
  readonly text: string | null;
}

/**
 * The volunteers' notes on a post, sealed to every volunteer and the founder (domain/desk.ts):
 * opened on this device once, and written sealed.
 */
export class DeskNotes {
  /** Notes opened on this device, by record id. */
  readonly #opened = new SvelteMap<RecordId, string | null>();
  readonly #context: Pick<DeskContext, 'me' | 'board' | 'sealing'>;
  readonly #of: (post: PostId) => readonly VerifiedRecord<'followup'>[];
  readonly #write: (body: FollowupBody) => Promise<CommandOutcome>;

  /** `of`: a post's note records, oldest first; `write`: signs a followup (SquareDesk). */
  constructor(
    context: Pick<DeskContext, 'me' | 'board' | 'sealing'>,
    of: (post: PostId) => readonly VerifiedRecord<'followup'>[],
    write: (body: FollowupBody) => Promise<CommandOutcome>,
  ) {
    this.#context = context;
    this.#of = of;
    this.#write = write;
  }

  /** The notes on a post, oldest first, as opened on this device (call `open` first). */
  of(post: PostId): DeskNote[] {
    return this.#of(post).map((record) => ({
      id: record.id,
      by: record.author,
      atMs: Number(record.at.slice(0, 16)),
      text: this.#opened.get(record.id) ?? null,
    }));
  }

  /** Opens the notes on a post that this device has not opened yet. */
  async open(post: PostId): Promise<void> {
    const keys = this.#context.sealing();
    if (!keys) return;
    const fresh = this.#of(post).filter((r) => !this.#opened.has(r.id));
    if (fresh.length === 0) return;
    for (const record of fresh) {
      if (record.body.action !== 'note') continue;
      const text = await openBox(record.body.box, keys, noteBinding(record.body.post, record.author));
      this.#opened.set(record.id, text !== null && messageLength(text) <= NOTE_TEXT_MAX ? text : null);
    }
  }

  /**
   * Writes a note sealed to every volunteer and the founder whose profile has an encryption key,
   * and to this volunteer. NOTE: a volunteer granted later cannot read earlier notes, by design.
   */
  async add(post: PostId, text: string): Promise<CommandOutcome> {
    const trimmed = text.trim();
    if (!trimmed) return { ok: false, reason: 'required' };
    if (messageLength(trimmed) > NOTE_TEXT_MAX) return { ok: false, reason: 'too-long' };
    const board = this.#context.board();
    const keys = this.#context.sealing();
    if (!board || !keys) return { ok: false, reason: 'opening' };
    const box = await seal(
      trimmed,
      noteReaders(keys.publicKey, board.view.members(), board.view.authority),
      noteBinding(post, this.#context.me),
    );
    const outcome = await this.#write({ action: 'note', post, box });
    if (outcome.ok) await this.open(post);
    return outcome;
  }
}
