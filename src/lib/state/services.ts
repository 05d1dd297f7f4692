import type { BoardOptions } from '../board/board.ts';
import type { Clock } from '../domain/clock.ts';
import type { Invite } from '../domain/invite.ts';
import type { DocPersistence } from '../storage/doc-persistence.ts';
import type { SquareKeys } from '../storage/square-keys.ts';
import type { VaultStore } from '../storage/vault-store.ts';
import type { DocKeeper } from '../sync/doc-exchange.ts';
import type { Transport } from '../sync/transport.ts';

/** The services one open square runs on; main.ts builds them for the browser, tests in memory. */
export interface SquareServices {
  /** The square's shared document (opaque to state/: only board/ knows its layout). */
  readonly doc: BoardOptions['doc'];
  readonly transport: Transport;
  readonly persistence: DocPersistence;
  readonly vault: VaultStore;
}

/** Everything state/ needs from the outside world, injected by the composition root. */
export interface AppServices {
  /** This device's signing key per square: `keys.identityFor(room)`. */
  readonly keys: SquareKeys;
  readonly clock: Clock;
  /** Where the list of joined squares is kept (localStorage in the browser). */
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** The page's fragment: the open square's invite, so a reload stays put. */
  readonly location: { hash: string };
  /** Builds the services of one square; `keeper` (the board) counts posts and judges what peers send. */
  openSquare(invite: Invite, keeper: DocKeeper): SquareServices;
  /** Resolves after the browser has painted what is on screen now. */
  afterPaint(): Promise<void>;
}
