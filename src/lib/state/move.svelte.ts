import type { Board } from '../board/board.ts';
import { randomId } from '../crypto/base64url.ts';
import { boundRoom, isBoundInvite, newRoomNonce } from '../crypto/room-binding.ts';
import type { SealingKeys } from '../crypto/seal.ts';
import type { MoveRecord } from '../domain/fold/moves.ts';
import type { AuthorKey, RecordId } from '../domain/ids.ts';
import { inviteFragment, type Invite } from '../domain/invite.ts';
import type { CopyEntry } from '../domain/square-copy.ts';
import type { CommandOutcome } from './command.ts';

/** What the move state reads from its session, and whom it tells when this device may follow. */
export interface MoveContext {
  readonly invite: Invite;
  readonly me: AuthorKey;
  board(): Board | null;
  /** The board once it follows the document; null if the square failed to open or closed. */
  attached(): Promise<Board | null>;
  sealing(): SealingKeys | null;
  /** Takes this device to the new link (AppState.followMove). */
  follow(next: Invite): void;
}

/**
 * Where the square is: here, or moved to a new link, which this device can follow (`next`) or
 * not (it was not sealed to this resident: ask a volunteer). `signedHere`: this device signed the
 * move in this session, so it stays in the old room, where neighbours still arriving learn of the
 * move from it, until the founder taps "Go to the new square".
 */
export type MoveStatus =
  { readonly moved: false } | { readonly moved: true; readonly next: Invite | null; readonly signedHere: boolean };

/**
 * The founder's move of a square to a new link, and its following on every device. The new
 * room's invite is sealed to the vouched members' keys (domain/kinds/move.ts); a device that opens
 * it follows at once, one that cannot shows that the square has moved.
 */
export class SquareMove {
  status = $state<MoveStatus>({ moved: false });
  readonly #context: MoveContext;
  #judged: RecordId | null = null;
  #signed: RecordId | null = null;
  /** While this device signs a move, the board announces it before its id is known here. */
  #signing = false;

  constructor(context: MoveContext) {
    this.#context = context;
  }

  /** Reads the board again: opens a new move's box and follows it if this device may. */
  async refresh(): Promise<void> {
    const record = this.#context.board()?.view.movedFrom(this.#context.invite.room);
    if (!record || record.id === this.#judged || this.#signing) return;
    this.#judged = record.id;
    const next = await this.#open(record);
    if (this.#judged !== record.id) return;
    const signedHere = record.id === this.#signed;
    this.status = { moved: true, next, signedHere };
    if (next && !signedHere) this.#context.follow(next);
  }

  /** The founder's "Go to the new square", on the device that signed the move. */
  go(): void {
    if (this.status.moved && this.status.next) this.#context.follow(this.status.next);
  }

  /**
   * The founder moves the square: a new room bound to the same founder key (so every role and
   * vouch carries over), a new secret, sealed to every vouched member and this device.
   */
  async moveToNewLink(): Promise<CommandOutcome> {
    const board = this.#context.board();
    const sealing = this.#context.sealing();
    if (!board || !sealing) return { ok: false, reason: 'opening' };
    const { invite, me } = this.#context;
    if (board.view.movedFrom(invite.room)) return { ok: false, reason: 'already-moved' };
    this.#signing = true;
    try {
      const nonce = newRoomNonce();
      const next: Invite = {
        room: await boundRoom(invite.founder, nonce),
        secret: randomId(),
        founder: invite.founder,
        nonce,
      };
      // NOTE: the move kind and sealing load when used: neither is part of the first load.
      const [{ MOVE_LIMITS, moveBinding, moveReaders }, { seal }] = await Promise.all([
        import('../domain/kinds/move.ts'),
        import('../crypto/seal.ts'),
      ]);
      const readers = moveReaders(board.view.members(), board.view.authority, sealing.publicKey);
      if (readers.length > MOVE_LIMITS.readers) return { ok: false, reason: 'too-long' };
      const box = await seal(inviteFragment(next), readers, moveBinding(invite.room, me));
      const result = await board.commands.moveSquare(invite.room, box);
      if (!result.ok) return result;
      this.#signed = result.id;
    } catch (error) {
      console.error('kaifong: the square could not be moved', error);
      return { ok: false, reason: 'failed' };
    } finally {
      this.#signing = false;
    }
    await this.refresh();
    return { ok: true };
  }

  /** Every valid record this device holds here: what it carries to the new link. */
  async carry(): Promise<CopyEntry[]> {
    const board = await this.#context.attached();
    if (!board) return [];
    await board.whenIdle();
    return board.records().map(({ id, ...record }) => ({ id, record }));
  }

  /** Merges records carried from the room this square moved away from, as a file's are merged. */
  async adopt(entries: readonly CopyEntry[]): Promise<boolean> {
    const board = await this.#context.attached();
    return board !== null && (await board.merge(entries)).ok;
  }

  /** The new invite, if the move's box opens with this device's key and names a room bound to the same founder. */
  async #open(record: MoveRecord): Promise<Invite | null> {
    const sealing = this.#context.sealing();
    if (!sealing) return null;
    const [{ moveBinding, movedInvite }, { openBox }] = await Promise.all([
      import('../domain/kinds/move.ts'),
      import('../crypto/seal.ts'),
    ]);
    const text = await openBox(record.body.box, sealing, moveBinding(record.body.from, record.author));
    const next = text === null ? null : movedInvite(text, this.#context.invite);
    return next && (await isBoundInvite(next)) ? next : null;
  }
}
