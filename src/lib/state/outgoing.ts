import type { BoardView } from '../domain/fold/board-view.ts';
import type { MessageRecord } from '../domain/fold/messages.ts';
import { hlcMs } from '../domain/hlc.ts';
import type { AuthorKey, RecordId } from '../domain/ids.ts';
import { HOUR_MS } from '../domain/limits.ts';
import { MESSAGE_LIMITS, type MessageContent, type StockResult } from '../domain/kinds/message.ts';
import { resultsToTell } from '../domain/stock-result.ts';
import type { CommandOutcome } from './command.ts';
import { conversationKey, type Conversation, type OpenedMessages } from './conversations.ts';

/**
 * Receipts on their own (not carried by a reply) stop once this resident sent this many records
 * in the last hour: receipts count against the hourly rate, and many keys writing at once must
 * not use up the resident's own messages. Replies still carry them.
 */
export const RECEIPT_BUDGET = MESSAGE_LIMITS.perHour / 2;

/**
 * An organiser's device tells stock results until this resident sent this many records in the
 * last hour, leaving the rest of the rate for the conversations themselves. The results not sent
 * yet go out as the hour moves on (each refresh sends what the rate allows); the offer itself
 * shows each household its result at once.
 */
export const RESULT_BUDGET = (MESSAGE_LIMITS.perHour * 3) / 4;

/** What the outgoing messages read from the conversations. */
export interface OutgoingContext {
  readonly me: AuthorKey;
  readonly opened: OpenedMessages;
  now(): number;
  view(): BoardView | undefined;
  canReach(other: AuthorKey): boolean;
  /** Seals and sends content in a conversation. */
  write(key: string, content: MessageContent): Promise<CommandOutcome>;
}

/**
 * What this device sends on its own: a sealed receipt for each line of the other side, so its
 * sender sees "delivered"; and, on an organiser's device, each household's result in a stock
 * offer's draw (domain/stock-result.ts), with the receipts of that conversation.
 */
export class Outgoing {
  readonly #context: OutgoingContext;
  /** Results sent from here, by conversation, until the board has folded them (so each goes once). */
  readonly #told = new Map<string, StockResult>();

  constructor(context: OutgoingContext) {
    this.#context = context;
  }

  /** Sends content with the receipts for the other side's lines not acknowledged yet. */
  async line(records: readonly MessageRecord[], key: string, content: MessageContent): Promise<CommandOutcome> {
    const { opened, write } = this.#context;
    const ack = opened.unacked(records, key);
    opened.acking(ack, true);
    const outcome = await write(key, ack.length > 0 ? { ...content, ack } : content);
    if (!outcome.ok) opened.acking(ack, false);
    return outcome;
  }

  /** One sealed receipt per conversation with lines not acknowledged yet, within RECEIPT_BUDGET. */
  async acknowledge(records: readonly MessageRecord[], conversations: readonly Conversation[]): Promise<void> {
    let sent = this.#sentInHour(records);
    for (const conversation of conversations) {
      const ack = this.#context.opened.unacked(records, conversation.key);
      if (ack.length === 0 || !this.#context.canReach(conversation.other) || sent >= RECEIPT_BUDGET) continue;
      sent++;
      await this.line(records, conversation.key, {});
    }
  }

  /** The organiser's results not told yet, within RESULT_BUDGET; returns whether any went. */
  async tellResults(records: readonly MessageRecord[]): Promise<boolean> {
    const view = this.#context.view();
    if (!view) return false;
    const told = this.#context.opened.toldResults(records);
    const due = resultsToTell(view.stockOffers(), this.#context.me, (offer: RecordId, household) => {
      const key = conversationKey({ offer }, household);
      return this.#told.get(key) ?? told.get(key);
    });
    let sent = this.#sentInHour(records);
    let any = false;
    for (const { offer, to, result } of due) {
      if (sent >= RESULT_BUDGET) break;
      if (!this.#context.canReach(to)) continue;
      sent++;
      const key = conversationKey({ offer }, to);
      const outcome = await this.line(records, key, { stock: result });
      if (outcome.ok) this.#told.set(key, result);
      any ||= outcome.ok;
    }
    return any;
  }

  #sentInHour(records: readonly MessageRecord[]): number {
    const since = this.#context.now() - HOUR_MS;
    return records.filter((r) => r.author === this.#context.me && hlcMs(r.at) > since).length;
  }
}
