import { inviteFragment, type Invite } from '../domain/invite.ts';
import { forgetSquare, rememberSquare } from '../storage/squares.ts';
import type { AppServices } from './services.ts';
import type { SquareSession } from './square.svelte.ts';

/** What following a move needs of the app. */
export interface MoveHost {
  readonly services: AppServices;
  /** The square open now. */
  current(): SquareSession | null;
  /** Opens the square of the page's link (AppState.followLocation). */
  open(): Promise<void>;
  /** Reads the list of squares again, after the old one left it. */
  listed(): void;
}

/**
 * Follows the founder's move of an open square (`from`) to its new link: this device signs there
 * with the same keys (so its posts, roles and vouches stay its own), carries every record over
 * through the same merge as a file's, and drops the old square from its list. Interrupted, it
 * loses nothing: the old square still lists, and opening it follows the move again. Loaded when a
 * move is followed (AppState.followMove), not with the first paint.
 */
export async function carryToNewLink(host: MoveHost, from: SquareSession, next: Invite): Promise<void> {
  const { services } = host;
  const entries = await (await from.moves()).carry();
  if (host.current() !== from) return;
  const keys = services.keys;
  // A key this device already keeps in the new room (a link a volunteer passed on) stays.
  if (!(await keys.all()).some((kept) => kept.room === next.room)) {
    const [identity, sealing] = await Promise.all([
      keys.identityFor(from.invite.room),
      keys.sealingFor(from.invite.room),
    ]);
    await keys.restore(next.room, identity, sealing);
  }
  rememberSquare(services.storage, next, from.info.squareName, services.clock.now());
  // A post being written when the move came reopens in the new square.
  const { DraftKeeper } = await import('./drafts.ts');
  const drafts = new DraftKeeper(services.storage, from.invite.room);
  const draft = drafts.load();
  if (draft) new DraftKeeper(services.storage, next.room).keep(draft);
  services.location.hash = inviteFragment(next);
  await host.open();
  const session = host.current();
  if (session?.invite.room !== next.room) return;
  session.arrivedByMove = true;
  if (!(await (await session.moves()).adopt(entries))) return;
  forgetSquare(services.storage, from.invite.room);
  drafts.discard();
  host.listed();
}
