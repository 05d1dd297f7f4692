import type { Board } from '../board/board.ts';
import type { Clock } from '../domain/clock.ts';
import { hlcMs } from '../domain/hlc.ts';
import type { AuthorKey, RoomId } from '../domain/ids.ts';
import type { TransferProgress } from '../sync/doc-exchange.ts';
import { INITIAL_STATUS, type SyncStatus, type Transport } from '../sync/transport.ts';
import { loadContact, nextContact, saveContact, type ContactStorage, type LastContact } from './last-contact.ts';

/** What the connection state reads of its session. */
export interface ConnectionContext {
  readonly storage: ContactStorage;
  readonly room: RoomId;
  readonly clock: Clock;
  readonly me: AuthorKey;
  board(): Board | null;
}

/**
 * A square's connection as the resident sees it: neighbours and signalling, a transfer's
 * progress, when this device last synced (kept across reloads, so an offline reload still says
 * so), and what this resident wrote that no neighbour has yet.
 */
export class SquareConnection {
  status = $state<SyncStatus>(INITIAL_STATUS);
  transfer = $state<TransferProgress | null>(null);
  /** When this device last synced here and with how many neighbours, kept across reloads. */
  lastContact = $state<LastContact | null>(null);
  /** Records this resident wrote here since the last contact: not yet shared with anyone. */
  waiting = $state(0);
  /** The transport's latest progress, which `transfer` shows once the board has caught up with it. */
  #progress: TransferProgress | null = null;
  /** When neighbours were last connected in this session: what was written until then went to them. */
  #connectedUntilMs = $state(Number.NEGATIVE_INFINITY);
  #savedContact: LastContact | null = null;
  readonly #context: ConnectionContext;

  constructor(context: ConnectionContext) {
    this.#context = context;
    this.#savedContact = this.lastContact = loadContact(context.storage, context.room);
  }

  /**
   * Up to when what this device wrote has reached a neighbour: everything while one is connected
   * (live changes go to connected peers at once), else the last contact or the last connection.
   */
  get sharedThroughMs(): number {
    if (this.status.peers > 0) return Number.POSITIVE_INFINITY;
    return Math.max(this.lastContact?.atMs ?? Number.NEGATIVE_INFINITY, this.#connectedUntilMs);
  }

  /** Follows the transport's status and transfers; returns what stops following them. */
  follow(board: Board, transport: Transport): (() => void)[] {
    const stops = [
      transport.onStatus((status) => this.#onStatus(status)),
      transport.onTransfer((progress) => this.#onTransfer(board, progress)),
    ];
    this.#onStatus(transport.status);
    return stops;
  }

  /** Counts this resident's records written after the last contact (by their own timestamps). */
  countWaiting(): void {
    const since = this.lastContact?.atMs ?? Number.NEGATIVE_INFINITY;
    let waiting = 0;
    for (const record of this.#context.board()?.recordsBy(this.#context.me) ?? [])
      if (hlcMs(record.at) > since) waiting++;
    this.waiting = waiting;
  }

  /**
   * Shows a transfer's progress. NOTE: the last piece can arrive well before the board has
   * checked and folded every record (signatures are checked in workers, behind the exchange), so
   * "Receiving the square" stays until the board is idle rather than vanish at a partial count.
   */
  #onTransfer(board: Board, progress: TransferProgress): void {
    this.#progress = progress;
    if (progress.receiving || !this.transfer?.receiving) {
      this.transfer = progress;
      return;
    }
    void board.whenIdle().then(() => {
      if (this.#progress === progress) this.transfer = progress;
    });
  }

  #onStatus(status: SyncStatus): void {
    if (this.status.peers > 0 && status.peers === 0) this.#connectedUntilMs = this.#context.clock.now();
    this.status = status;
    if (status.lastSyncedMs === null) return;
    const peers = status.peers || this.lastContact?.peers || 1;
    this.lastContact = { atMs: status.lastSyncedMs, peers };
    const save = nextContact(this.#savedContact, status.lastSyncedMs, peers);
    if (save) {
      saveContact(this.#context.storage, this.#context.room, (this.#savedContact = save));
      this.countWaiting();
    }
  }
}
