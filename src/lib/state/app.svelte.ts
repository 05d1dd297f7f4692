import { randomId } from '../crypto/base64url.ts';
import type { Identity } from '../crypto/signing.ts';
import type { RoomId } from '../domain/ids.ts';
import type { SyncConfig } from '../sync/config.ts';
import type { ExchangeMode } from '../sync/connection.ts';
import { inviteFragment, parseInvite, type Invite } from '../domain/invite.ts';
import { listSquares, rememberSquare, type JoinedSquare } from '../storage/squares.ts';
import { SquareSession } from './square.svelte.ts';

export interface AppDeps {
  readonly identity: Identity;
  readonly config: SyncConfig;
  readonly storage: Storage;
  readonly location: Location;
  /** 'stock' runs y-webrtc's own document exchange, for measuring against it (`?sync=stock`). */
  readonly exchangeMode?: ExchangeMode;
}

/** Which square, if any, is open: the URL fragment is the invite, so a reload stays put. */
export class AppState {
  session = $state<SquareSession | null>(null);
  squares = $state<JoinedSquare[]>([]);
  readonly #deps: AppDeps;

  constructor(deps: AppDeps) {
    this.#deps = deps;
    this.squares = listSquares(deps.storage);
  }

  /** Opens the square named by the URL fragment, or shows the landing page. */
  async followLocation(): Promise<void> {
    const invite = parseInvite(this.#deps.location.hash);
    if (invite?.room === this.session?.invite.room) return;
    const previous = this.session;
    this.session = null;
    await previous?.close();
    this.squares = listSquares(this.#deps.storage);
    if (!invite) return;
    const session = new SquareSession(invite, this.#deps.identity, this.#deps.config, this.#deps.exchangeMode);
    this.session = session;
    rememberSquare(this.#deps.storage, invite, '', Date.now());
    await session.open();
  }

  /** Founds a new square on this device and opens it; the caller shows the invite link. */
  async createSquare(name: string, yourName: string, building?: string): Promise<{ ok: boolean; reason?: string }> {
    const invite: Invite = {
      room: randomId() as RoomId,
      secret: randomId(),
      founder: this.#deps.identity.author,
    };
    this.#deps.location.hash = inviteFragment(invite);
    await this.followLocation();
    const session = this.session;
    if (!session || session.phase !== 'ready') return { ok: false, reason: session?.failure };
    const named = await session.nameSquare(name);
    if (!named.ok) return named;
    rememberSquare(this.#deps.storage, invite, name, Date.now());
    return session.join(yourName, building);
  }

  /** Opens a pasted invite link; false if it is not one. */
  join(link: string): boolean {
    const invite = parseInvite(link);
    if (!invite) return false;
    this.#deps.location.hash = inviteFragment(invite);
    return true;
  }

  /** Records the square's synced name in the landing list. */
  rememberName(invite: Invite, name: string): void {
    if (name) rememberSquare(this.#deps.storage, invite, name, Date.now());
  }

  leaveToLanding(): void {
    this.#deps.location.hash = '';
  }
}
