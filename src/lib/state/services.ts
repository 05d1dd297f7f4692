import type { BoardOptions } from '../board/board.ts';
import type { SignatureVerifier } from '../crypto/signature-verifier.ts';
import type { Clock } from '../domain/clock.ts';
import type { RoomId } from '../domain/ids.ts';
import type { Invite } from '../domain/invite.ts';
import type { DocPersistence } from '../storage/doc-persistence.ts';
import type { SquareKeys } from '../storage/square-keys.ts';
import type { VaultStore } from '../storage/vault-store.ts';
import type { DocKeeper, EpochOffer } from '../sync/doc-exchange.ts';
import type { Transport } from '../sync/transport.ts';
import type { DeviceStorage } from './durability.svelte.ts';
import type { EpochHost } from './epoch-follower.ts';

/** A square's document of the current epoch, where this device keeps it, and its network. */
export interface SquareNetwork extends EpochHost {
  /** The square's shared document (opaque to state/: only board/ knows its layout). */
  readonly doc: NonNullable<BoardOptions['doc']>;
  readonly transport: Transport;
  readonly persistence: DocPersistence;
}

/** The services one open square runs on; main.ts builds them for the browser, tests in memory. */
export interface SquareServices {
  readonly vault: VaultStore;
  /**
   * The square's document and network, loaded once the list painted from the vault: in the
   * browser yjs, y-indexeddb and the sync code are not part of the first load.
   */
  network(epoch: EpochOffer | null): Promise<SquareNetwork>;
}

/** Everything state/ needs from the outside world, injected by the composition root. */
export interface AppServices {
  /** This device's signing key per square: `keys.identityFor(room)`. */
  readonly keys: SquareKeys;
  readonly clock: Clock;
  /** Checks records' signatures for every square: a pool of workers in the page. */
  readonly signatures: SignatureVerifier;
  /** Where the list of joined squares and drafts are kept (localStorage in the browser). */
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The page's fragment: the open square's invite, so a reload stays put. */
  readonly location: { hash: string };
  /** Builds the services of one square; `keeper` (the board) counts posts and judges what peers send. */
  openSquare(invite: Invite, keeper: DocKeeper): SquareServices;
  /** Deletes what this device stores of a square (its document, vault and keys): the resident left it. */
  forgetSquare(room: RoomId): Promise<void>;
  /** The browser's storage manager, to ask for persistence; null where there is none. */
  readonly deviceStorage?: DeviceStorage | null;
  /** Resolves after the browser has painted what is on screen now. */
  afterPaint(): Promise<void>;
  /** Resolves in a task of its own: long work split there leaves the page free to answer between. */
  nextTask(): Promise<void>;
}
