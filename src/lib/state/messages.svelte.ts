import type { Board } from '../board/board.ts';
import type { SealingKeys } from '../crypto/seal.ts';
import type { PostState } from '../domain/fold/post-state.ts';
import type { ClaimState, OfferState } from '../domain/fold/stock.ts';
import type { AuthorKey, PostId, RecordId, RoomId } from '../domain/ids.ts';
import {
  MESSAGE_LIMITS,
  messageBinding,
  messageLength,
  type Handover,
  type MessageContent,
  type StockResult,
} from '../domain/kinds/message.ts';
import { resultOf } from '../domain/stock-result.ts';
import { runCommand, type CommandOutcome } from './command.ts';
import { conversationKey, OpenedMessages, partiesOf, type Conversation } from './conversations.ts';
import { Outgoing } from './outgoing.ts';
import { ReadMarks } from './read-marks.ts';
import { ROOM_KEYS } from './room-storage.ts';

export type { Conversation, MessageLine } from './conversations.ts';

/** What the messages read from their session. */
export interface MessagesContext {
  readonly me: AuthorKey;
  readonly room: RoomId;
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
  board(): Board | null;
  /** This resident's encryption keys here; null until the square has opened. */
  sealing(): SealingKeys | null;
  now(): number;
}

/**
 * This resident's private conversations in a square, about posts and stock offers: messages
 * opened on this device (the shared document holds them sealed), unread counts from read marks
 * kept on this device only, sending (sealed to the other resident and to oneself), receipts, and
 * an organiser's stock results (state/outgoing.ts).
 */
export class SquareMessages {
  #conversations = $state.raw<Conversation[]>([]);
  /** The conversation on screen, if any; opening one marks it read. */
  openKey = $state<string | null>(null);
  /** A first line to put in the textbox when a conversation opens from a post. */
  draft = $state('');
  /** Whether the messages are on screen (the list, or the open conversation). */
  showing = $state(false);
  /** This resident's flat, kept on this device only, for "Share my flat". */
  myFlat = $state('');
  readonly unread: number = $derived(this.#conversations.reduce((sum, c) => sum + c.unread, 0));
  readonly #context: MessagesContext;
  readonly #opened: OpenedMessages;
  readonly #marks: ReadMarks;
  readonly #outgoing: Outgoing;
  #run: Promise<void> = Promise.resolve();
  #again = false;
  #running = false;

  constructor(context: MessagesContext) {
    this.#context = context;
    this.#opened = new OpenedMessages(context.me);
    this.#marks = new ReadMarks(context.storage, context.room);
    this.#outgoing = new Outgoing({
      me: context.me,
      opened: this.#opened,
      now: () => context.now(),
      view: () => context.board()?.view,
      canReach: (other) => this.canReach(other),
      write: (key, content) => this.#write(key, content),
    });
    this.myFlat = context.storage.getItem(this.#flatKey) ?? '';
  }

  /** Every conversation, the latest first. */
  get conversations(): readonly Conversation[] {
    return this.#conversations;
  }

  /** The open conversation (one with no line yet if it was just started from a post). */
  get current(): Conversation | null {
    const key = this.openKey;
    if (key === null) return null;
    return this.#conversations.find((c) => c.key === key) ?? { key, ...partiesOf(key), lines: [], unread: 0 };
  }

  /** Opens the conversation about a post with its author, with a first line filled in. */
  start(post: PostState, firstLine = ''): void {
    this.draft = firstLine;
    this.open(conversationKey({ post: post.id }, post.author));
  }

  /** Opens this household's conversation about a stock offer with its organiser. */
  startAboutOffer(offer: OfferState): void {
    this.draft = '';
    this.open(conversationKey({ offer: offer.id }, offer.author));
  }

  /** Shows the list of conversations. */
  show(): void {
    this.showing = true;
  }

  /** Opens a conversation: it is marked read on this device. */
  open(key: string): void {
    this.openKey = key;
    this.showing = true;
    this.#markRead();
  }

  /** Back from a conversation to the list. */
  back(): void {
    this.openKey = null;
    this.draft = '';
  }

  hide(): void {
    this.back();
    this.showing = false;
  }

  /** Keeps the resident's flat on this device (never in the shared document). */
  setMyFlat(flat: string): void {
    this.myFlat = flat.trim();
    this.#context.storage.setItem(this.#flatKey, this.myFlat);
  }

  /** The post a conversation is about, while it is in the square. */
  post(id: PostId): PostState | undefined {
    return this.#context.board()?.view.post(id);
  }

  /** A stock offer a conversation is about, as the fold computes it. */
  offer(id: RecordId): OfferState | undefined {
    return this.#context.board()?.view.stockOffer(id);
  }

  /**
   * This household's claim on an offer and its result as the fold computes it: the truth a result
   * message is checked against (a hostile organiser's device could seal anything).
   */
  drawSays(offer: OfferState): { readonly claim: ClaimState; readonly result: StockResult | null } | undefined {
    const claim = offer.claims.find((c) => c.author === this.#context.me);
    return claim && { claim, result: resultOf(offer, claim) };
  }

  /** Whether a resident can be written to: their profile carries an encryption key. */
  canReach(other: AuthorKey): boolean {
    return this.#context.board()?.view.profile(other)?.seal !== undefined;
  }

  /** Reads the board again after its messages changed: opens new ones, acknowledges, counts. */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#run;
    }
    this.#running = true;
    this.#run = (async () => {
      do {
        this.#again = false;
        await this.#read();
      } while (this.#again);
    })()
      .catch((error: unknown) => console.error('kaifong: messages could not be read', error))
      .finally(() => (this.#running = false));
    return this.#run;
  }

  /** Sends a line in a conversation, sealed to the other resident and to this one. */
  async send(key: string, text: string): Promise<CommandOutcome> {
    const line = text.trim();
    if (line === '') return { ok: false, reason: 'required' };
    if (messageLength(line) > MESSAGE_LIMITS.text) return { ok: false, reason: 'too-long' };
    // Receipts for the other side's lines travel with the reply.
    const outcome = await this.#line(key, { text: line });
    if (outcome.ok) this.draft = '';
    return outcome;
  }

  /** Proposes a handover: left at the lobby, or met at the door, at a time. */
  proposeHandover(key: string, handover: Handover): Promise<CommandOutcome> {
    const time = handover.time.trim();
    if (time === '') return Promise.resolve({ ok: false, reason: 'required' });
    return this.#line(key, { handover: { place: handover.place, time } });
  }

  /** Confirms the other side's handover proposal. */
  confirmHandover(key: string, proposal: string): Promise<CommandOutcome> {
    return this.#line(key, { confirms: proposal });
  }

  /** Sends a line that carries the receipts for the other side's lines. */
  #line(key: string, content: MessageContent): Promise<CommandOutcome> {
    return this.#outgoing.line(this.#records(), key, content);
  }

  get #flatKey(): string {
    return ROOM_KEYS.flat(this.#context.room);
  }

  #records() {
    return this.#context.board()?.view.messagesWith(this.#context.me) ?? [];
  }

  async #write(key: string, content: MessageContent): Promise<CommandOutcome> {
    const { about, other } = partiesOf(key);
    const board = this.#context.board();
    const keys = this.#context.sealing();
    const theirs = board?.view.profile(other)?.seal;
    if (!board || !keys) return { ok: false, reason: 'opening' };
    if (!theirs) return { ok: false, reason: 'cannot-receive' };
    try {
      const binding = messageBinding({ ...about, to: other }, this.#context.me);
      const { seal } = await import('../crypto/seal.ts');
      const box = await seal(JSON.stringify(content), [theirs, keys.publicKey], binding);
      return await runCommand(board.commands, (c) => c.sendMessage(about, other, box));
    } catch (error) {
      console.error('kaifong: the message could not be sealed', error);
      return { ok: false, reason: 'failed' };
    }
  }

  async #read(): Promise<void> {
    const keys = this.#context.sealing();
    if (!keys) return;
    const records = this.#records();
    await this.#opened.openAll(records, keys);
    this.#conversations = this.#opened.build(records, this.#marks);
    this.#markRead();
    await this.#outgoing.acknowledge(records, this.#conversations);
    // The results sent arrive as messages, which read the board again.
    await this.#outgoing.tellResults(records);
  }

  /** Marks the open conversation read up to its latest line, on this device. */
  #markRead(): void {
    const key = this.openKey;
    if (!key || !this.#conversations.some((c) => c.key === key && c.unread > 0)) return;
    const latest = this.#opened.latestFromOther(this.#records(), key);
    if (latest) this.#marks.mark(key, latest.at);
    this.#conversations = this.#conversations.map((c) => (c.key === key ? { ...c, unread: 0 } : c));
  }
}
