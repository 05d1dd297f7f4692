import { randomId } from '../crypto/base64url.ts';
import type { RoomId } from '../domain/ids.ts';
import { inviteFragment, parseInvite, type Invite } from '../domain/invite.ts';
import type { ReasonCode } from '../domain/reasons.ts';
import { listSquares, rememberSquare, type JoinedSquare } from '../storage/squares.ts';
import type { AppServices } from './services.ts';
import { SquareSession } from './square.svelte.ts';

/** Which square, if any, is open: the URL fragment is the invite, so a reload stays put. */
export class AppState {
  session = $state<SquareSession | null>(null);
  squares = $state<JoinedSquare[]>([]);
  readonly #services: AppServices;

  constructor(services: AppServices) {
    this.#services = services;
    this.squares = listSquares(services.storage);
  }

  /** Opens the square named by the URL fragment, or shows the landing page. */
  async followLocation(): Promise<void> {
    const invite = parseInvite(this.#services.location.hash);
    if (invite?.room === this.session?.invite.room) return;
    const previous = this.session;
    this.session = null;
    await previous?.close();
    this.squares = listSquares(this.#services.storage);
    if (!invite) return;
    const session = new SquareSession(invite, this.#services);
    this.session = session;
    rememberSquare(this.#services.storage, invite, '', this.#services.clock.now());
    await session.open();
  }

  /** Founds a new square on this device and opens it; the caller shows the invite link. */
  async createSquare(
    name: string,
    yourName: string,
    building?: string,
  ): Promise<{ ok: true } | { ok: false; reason: ReasonCode }> {
    const invite: Invite = {
      room: randomId() as RoomId,
      secret: randomId(),
      founder: this.#services.identity.author,
    };
    this.#services.location.hash = inviteFragment(invite);
    await this.followLocation();
    const session = this.session;
    if (!session || session.phase !== 'ready') return { ok: false, reason: 'failed' };
    const named = await session.info.nameSquare(name);
    if (!named.ok) return named;
    rememberSquare(this.#services.storage, invite, name, this.#services.clock.now());
    return session.info.join(yourName, building);
  }

  /** Opens a pasted invite link; false if it is not one. */
  join(link: string): boolean {
    const invite = parseInvite(link);
    if (!invite) return false;
    this.#services.location.hash = inviteFragment(invite);
    return true;
  }

  /** Records the square's synced name in the landing list. */
  rememberName(invite: Invite, name: string): void {
    if (name) rememberSquare(this.#services.storage, invite, name, this.#services.clock.now());
  }

  leaveToLanding(): void {
    this.#services.location.hash = '';
  }
}
