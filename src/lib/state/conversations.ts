import type { SealingKeys } from '../crypto/seal.ts';
import type { MessageRecord } from '../domain/fold/messages.ts';
import { hlcMs } from '../domain/hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../domain/ids.ts';
import {
  aboutOf,
  messageBinding,
  parseMessageContent,
  type Handover,
  type MessageAbout,
  type MessageContent,
  type StockResult,
} from '../domain/kinds/message.ts';
import type { ReadMarks } from './read-marks.ts';

/** One line of a conversation, opened on this device. */
export interface MessageLine {
  readonly id: RecordId;
  readonly mine: boolean;
  readonly text: string;
  readonly atMs: number;
  /** For my lines: a device of the other resident acknowledged it (a sealed receipt). */
  readonly delivered: boolean;
  /** A handover proposed in this line, and whether the other side confirmed it. */
  readonly handover?: Handover & { readonly confirmed: boolean };
  /** This line confirms the handover of another. */
  readonly confirms?: Handover;
  /** A stock offer's result, as the organiser's device told it (the fold's draw is the truth). */
  readonly result?: StockResult;
}

/** A conversation: one post or stock offer, this resident and one other. */
export interface Conversation {
  readonly key: string;
  readonly about: MessageAbout;
  readonly other: AuthorKey;
  readonly lines: readonly MessageLine[];
  readonly unread: number;
}

const OFFER_PREFIX = 'offer:';

/**
 * The key of the conversation about a post or offer with another resident. NOTE: a post's key is
 * the one used before offers had conversations, so read marks kept under it still apply.
 */
export function conversationKey(about: MessageAbout, other: AuthorKey): string {
  return 'post' in about ? `${about.post} ${other}` : `${OFFER_PREFIX}${about.offer} ${other}`;
}

/** What a conversation is about, and the other resident, from its key. */
export function partiesOf(key: string): { about: MessageAbout; other: AuthorKey } {
  const [id, other] = key.split(' ') as [string, AuthorKey];
  const about: MessageAbout = id.startsWith(OFFER_PREFIX)
    ? { offer: id.slice(OFFER_PREFIX.length) as RecordId }
    : { post: id as PostId };
  return { about, other };
}

/** The key of a message's conversation, as seen by `me`. */
function keyOf(record: MessageRecord, me: AuthorKey): string {
  return conversationKey(aboutOf(record.body), record.author === me ? record.body.to : record.author);
}

/**
 * The messages this device has opened, by record id (null: not sealed to this resident, or
 * not a message this version reads), and the receipts it is sending. Opened text stays in
 * memory only: the document and the vault keep the sealed records.
 */
export class OpenedMessages {
  readonly #me: AuthorKey;
  readonly #opened = new Map<RecordId, MessageContent | null>();
  readonly #acking = new Set<RecordId>();

  constructor(me: AuthorKey) {
    this.#me = me;
  }

  /** Opens the records not opened yet. */
  async openAll(records: readonly MessageRecord[], keys: SealingKeys): Promise<void> {
    const { openBox } = await import('../crypto/seal.ts');
    await Promise.all(
      records
        .filter((r) => !this.#opened.has(r.id))
        .map(async (r) => {
          const text = await openBox(r.body.box, keys, messageBinding(r.body, r.author));
          this.#opened.set(r.id, text === null ? null : parseMessageContent(text));
        }),
    );
  }

  /** The conversations these records make, the latest first, with unread counts by `marks`. */
  build(records: readonly MessageRecord[], marks: ReadMarks): Conversation[] {
    const me = this.#me;
    const acked = new Set<string>();
    const confirmed = new Map<string, AuthorKey>();
    const grouped = new Map<string, MessageRecord[]>();
    for (const record of records) {
      const content = this.#opened.get(record.id);
      if (!content) continue;
      if (record.author !== me) for (const id of content.ack ?? []) acked.add(id);
      if (content.confirms) confirmed.set(content.confirms, record.author);
      const key = keyOf(record, me);
      grouped.set(key, [...(grouped.get(key) ?? []), record]);
    }
    const conversations: Conversation[] = [];
    for (const [key, group] of grouped) {
      const mark = marks.get(key);
      const lines: MessageLine[] = [];
      let unread = 0;
      const proposals = new Map<string, Handover>();
      for (const record of group) {
        const content = this.#opened.get(record.id);
        if (!content || !isLine(content)) continue;
        const mine = record.author === me;
        if (!mine && (mark === undefined || record.at > mark)) unread++;
        const { handover } = content;
        if (handover) proposals.set(record.id, handover);
        // A proposal counts as confirmed only by the other side.
        const by = confirmed.get(record.id);
        const confirms = content.confirms ? proposals.get(content.confirms) : undefined;
        lines.push({
          id: record.id,
          mine,
          text: content.text ?? '',
          atMs: hlcMs(record.at),
          delivered: mine && acked.has(record.id),
          ...(handover ? { handover: { ...handover, confirmed: by !== undefined && by !== record.author } } : {}),
          ...(confirms ? { confirms } : {}),
          ...(content.stock ? { result: content.stock } : {}),
        });
      }
      if (lines.length > 0) conversations.push({ key, ...partiesOf(key), lines, unread });
    }
    return conversations.sort((a, b) => (b.lines.at(-1)?.atMs ?? 0) - (a.lines.at(-1)?.atMs ?? 0));
  }

  /** The latest stock result this resident's devices told in each conversation, by key. */
  toldResults(records: readonly MessageRecord[]): Map<string, StockResult> {
    const told = new Map<string, StockResult>();
    for (const record of records) {
      const result = record.author === this.#me ? this.#opened.get(record.id)?.stock : undefined;
      if (result) told.set(keyOf(record, this.#me), result);
    }
    return told;
  }

  /** The latest line from the other resident in a conversation, if any. */
  latestFromOther(records: readonly MessageRecord[], key: string): MessageRecord | undefined {
    return records.filter((r) => this.#fromOtherIn(r, key) && this.#isLine(r)).at(-1);
  }

  /** The other side's lines in a conversation that none of this resident's devices acknowledged yet. */
  unacked(records: readonly MessageRecord[], key: string): RecordId[] {
    const acked = new Set(
      records.filter((r) => r.author === this.#me).flatMap((r) => [...(this.#opened.get(r.id)?.ack ?? [])]),
    );
    return records
      .filter((r) => this.#fromOtherIn(r, key) && this.#isLine(r))
      .filter((r) => !acked.has(r.id) && !this.#acking.has(r.id))
      .map((r) => r.id);
  }

  /** Notes receipts being sent (`on`), or that sending them failed, so each is sent once. */
  acking(ids: readonly RecordId[], on: boolean): void {
    for (const id of ids) {
      if (on) this.#acking.add(id);
      else this.#acking.delete(id);
    }
  }

  #isLine(record: MessageRecord): boolean {
    const content = this.#opened.get(record.id);
    return content !== null && content !== undefined && isLine(content);
  }

  #fromOtherIn(record: MessageRecord, key: string): boolean {
    return record.author !== this.#me && keyOf(record, this.#me) === key;
  }
}

/** Whether a message shows as a line (text, a handover or a confirmation), not a bare receipt. */
function isLine(content: MessageContent): boolean {
  return (
    content.text !== undefined ||
    content.handover !== undefined ||
    content.confirms !== undefined ||
    content.stock !== undefined
  );
}
