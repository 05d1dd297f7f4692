import { randomId } from '../crypto/base64url.ts';
import { boundRoom, isBoundInvite, newRoomNonce } from '../crypto/room-binding.ts';
import {
  inviteFragment,
  inviteRefusal,
  judgeInvite,
  parseInvite,
  postOfLink,
  signalingList,
  withSignaling,
  type Invite,
  type InviteVerdict,
} from '../domain/invite.ts';
import type { PostId } from '../domain/ids.ts';
import { LIMITS, nameVerdict } from '../domain/kinds/field-limits.ts';
import { ALLOWED, type ReasonCode, type Verdict } from '../domain/reasons.ts';
import {
  forgetSquare,
  lastSquare,
  listSquares,
  rememberLastSquare,
  rememberSquare,
  type JoinedSquare,
} from '../storage/squares.ts';
import type { AppServices } from './services.ts';
import { DisplayPrefs } from './display.svelte.ts';
import { FirstRun } from './first-run.svelte.ts';
import { forgetRoomStorage } from './room-storage.ts';
import { Durability } from './durability.svelte.ts';
import type { KeyBackup } from './key-backup.ts';
import type { CopyOutcome } from './square-file.ts';
import { SquareSession } from './square.svelte.ts';

/** Which square, if any, is open: the URL fragment is the invite, so a reload stays put. */
export class AppState {
  session = $state<SquareSession | null>(null);
  squares = $state<JoinedSquare[]>([]);
  /** The square the resident just left, by name, to say so on the landing page. */
  left = $state<string | null>(null);
  /** Why the link in the page's URL was not opened (an altered or unverifiable invite), if it was refused. */
  refusal = $state<ReasonCode | null>(null);
  /** While the link in the page's URL is being judged and its square opened: no landing page meanwhile. */
  opening = $state(false);
  /** The post a post's own link (`&p=<post id>`) points at, shown over the square with its status now. */
  focus = $state<PostId | null>(null);
  /** Whether this device keeps its squares for good. */
  readonly durability: Durability;
  /** Large text and high contrast, remembered on this device. */
  readonly display: DisplayPrefs;
  /** The first-run explanation of how a square works. */
  readonly intro: FirstRun;
  readonly #services: AppServices;
  /** The fragment being followed and its run, so concurrent calls for one link share a run. */
  #following: { readonly hash: string; readonly done: Promise<void> } | null = null;
  /** Counts runs of `followLocation`: a run that a newer one overtook stops at its next step. */
  #turn = 0;
  #closed: Promise<void> = Promise.resolve();
  /** The session whose move this device is following, so a move is followed once. */
  #moving: SquareSession | null = null;

  constructor(services: AppServices) {
    this.#services = services;
    this.durability = new Durability(services.deviceStorage ?? null);
    this.display = new DisplayPrefs(services.storage);
    this.intro = new FirstRun(services.storage);
    this.squares = listSquares(services.storage);
    this.opening = parseInvite(services.location.hash) !== null;
  }

  /** Opens the square named by the URL fragment once its invite is judged sound, or shows the landing page. */
  followLocation(): Promise<void> {
    const hash = this.#services.location.hash;
    this.focus = postOfLink(hash);
    // Founding sets the hash and follows it, and the browser's hashchange follows it again.
    if (this.#following?.hash === hash) return this.#following.done;
    this.opening = parseInvite(hash) !== null;
    const following = { hash, done: this.#follow(hash, ++this.#turn) };
    this.#following = following;
    return following.done.finally(() => {
      if (this.#following !== following) return;
      this.#following = null;
      this.opening = false;
    });
  }

  async #follow(hash: string, turn: number): Promise<void> {
    const parsed = parseInvite(hash);
    const open = this.session?.invite;
    // The open square, unless the link changed its signalling servers (settings): then it reopens on them.
    if (parsed && parsed.room === open?.room && sameList(this.#servers(parsed, parsed), open.signaling)) return;
    const previous = this.session;
    this.session = null;
    // A run that overtook this one waits for the same close: one room is never open twice.
    if (previous) this.#closed = previous.close();
    await this.#closed;
    if (turn !== this.#turn) return;
    this.squares = listSquares(this.#services.storage);
    this.refusal = parsed || hash.replace(/^#/, '') === '' ? null : inviteRefusal(hash);
    if (!parsed) return;
    this.left = null;
    // Judged before anything is opened: a refused link gets no key, no storage and no connection.
    const verdict = await this.#judge(parsed);
    if (turn !== this.#turn) return;
    if (!verdict.ok) {
      this.refusal = verdict.reason;
      return;
    }
    const invite = withSignaling(verdict.invite, this.#servers(verdict.invite, parsed));
    const identity = await this.#services.keys.identityFor(invite.room);
    if (turn !== this.#turn) return;
    const session = new SquareSession(invite, identity, this.#services, this.durability, (next) => {
      void this.followMove(session, next);
    });
    // Read at once, so the note is there when the list paints rather than pushing it down later.
    void this.durability.check();
    this.session = session;
    rememberSquare(this.#services.storage, invite, '', this.#services.clock.now());
    rememberLastSquare(this.#services.storage, invite.room);
    await session.open();
    if (session.info.joined) await this.durability.request();
    else await this.durability.check();
  }

  /** Founds a new square on this device and opens it; the caller shows the invite link. */
  async createSquare(
    name: string,
    yourName: string,
    building?: string,
  ): Promise<{ ok: true } | { ok: false; reason: ReasonCode }> {
    // Refused before anything is founded: a name of only spaces would leave a square nobody named.
    for (const verdict of [nameVerdict(name, LIMITS.squareName), nameVerdict(yourName, LIMITS.name)])
      if (!verdict.ok) return verdict;
    const nonce = newRoomNonce();
    // The founder's key for this square only; the room is derived from it, so the link binds them.
    const { room, identity } = await this.#services.keys.found((founder) => boundRoom(founder, nonce));
    const invite: Invite = { room, secret: randomId(), founder: identity.author, nonce };
    this.#services.location.hash = inviteFragment(invite);
    await this.followLocation();
    const session = this.session;
    if (!session || session.phase !== 'ready') return { ok: false, reason: 'failed' };
    const named = await session.info.nameSquare(name);
    if (!named.ok) return named;
    rememberSquare(this.#services.storage, invite, name, this.#services.clock.now());
    return session.join(yourName, building);
  }

  /** Opens a pasted invite link once it is judged sound; otherwise says why, and opens nothing. */
  async join(link: string): Promise<Verdict> {
    const parsed = parseInvite(link);
    if (!parsed) return { ok: false, reason: inviteRefusal(link) };
    const verdict = await this.#judge(parsed);
    if (!verdict.ok) return verdict;
    this.#services.location.hash = inviteFragment(verdict.invite);
    return ALLOWED;
  }

  /**
   * Opens a copy of a square from a file on the start page: opens its square (joining it when
   * the file carries the key) and merges the file into it. A refused file opens nothing.
   */
  async openCopy(text: string): Promise<CopyOutcome> {
    const { destinationOf } = await import('./square-file.ts');
    const destination = await destinationOf(
      text,
      listSquares(this.#services.storage).map((s) => s.invite),
      this.#services.signatures,
    );
    if (!destination.ok) return destination;
    this.#services.location.hash = inviteFragment(destination.invite);
    await this.followLocation();
    const session = this.session;
    if (!session || session.invite.room !== destination.invite.room) return { ok: false, problem: 'failed' };
    return session.openCopy(text);
  }

  /** Follows the founder's move of the open square to its new link, once (follow-move.ts). */
  async followMove(from: SquareSession, next: Invite): Promise<void> {
    if (this.session !== from || this.#moving) return;
    this.#moving = from;
    try {
      const { carryToNewLink } = await import('./follow-move.ts');
      await carryToNewLink(
        {
          services: this.#services,
          current: () => this.session,
          open: () => this.followLocation(),
          listed: () => (this.squares = listSquares(this.#services.storage)),
        },
        from,
        next,
      );
    } catch (error) {
      console.error('kaifong: could not follow the square to its new link', error);
    } finally {
      this.#moving = null;
    }
  }

  /** Records the square's synced name in the landing list. */
  rememberName(invite: Invite, name: string): void {
    if (name) rememberSquare(this.#services.storage, invite, name, this.#services.clock.now());
  }

  /** Seals every square's key on this device into a backup file, with a passphrase. */
  async backupIdentity(passphrase: string): Promise<KeyBackup> {
    const { backupKeys } = await import('./key-backup.ts');
    return backupKeys(this.#services, passphrase);
  }

  /** Restores squares' keys from a backup file: this device then signs as the resident did. */
  async restoreIdentity(
    text: string,
    passphrase: string,
  ): Promise<{ ok: true; count: number } | { ok: false; reason: ReasonCode }> {
    const { restoreKeys } = await import('./key-backup.ts');
    const restored = await restoreKeys(this.#services, text, passphrase);
    if (!restored.ok) return restored;
    this.squares = listSquares(this.#services.storage);
    // An open square whose key was restored opens again, signing with the restored key.
    const open = this.session;
    if (open && restored.rooms.includes(open.invite.room)) {
      this.session = null;
      this.#closed = open.close();
      this.#following = null;
      await this.followLocation();
    }
    return { ok: true, count: restored.rooms.length };
  }

  /**
   * Sets the open square's extra signalling servers (beyond the app's own) on this device, and
   * reopens it on them; the invite link then carries them. Refuses a URL that is not `ws(s)://`.
   */
  async setSignaling(urls: readonly string[]): Promise<Verdict> {
    const session = this.session;
    if (!session) return { ok: false, reason: 'failed' };
    const list = signalingList(urls);
    if (list.length !== urls.filter((url, i) => urls.indexOf(url) === i).length) {
      return { ok: false, reason: 'not-signaling-url' };
    }
    const invite = withSignaling(session.invite, list);
    rememberSquare(this.#services.storage, invite, '', this.#services.clock.now());
    this.#services.location.hash = inviteFragment(invite);
    await this.followLocation();
    return ALLOWED;
  }

  /** Closes a post opened by its link: back to the square's own link. */
  closeFocus(): void {
    this.focus = null;
    if (this.session) this.#services.location.hash = inviteFragment(this.session.invite);
  }

  leaveToLanding(): void {
    rememberLastSquare(this.#services.storage, null);
    this.#services.location.hash = '';
  }

  /**
   * A returning resident opening the bare address lands in the square they were in; one who
   * went to "All squares" (or left the square) lands on that list again.
   */
  resume(): Promise<void> {
    const last = lastSquare(this.#services.storage);
    if (this.#services.location.hash.replace(/^#/, '') === '' && last) {
      this.#services.location.hash = inviteFragment(last.invite);
    }
    return this.followLocation();
  }

  /**
   * Leaves the open square on this device: closes it, takes it off "Your squares" and deletes
   * what this device kept of it (document, vault, keys, draft, contact, read marks). The
   * resident's records stay with the neighbours who have them.
   */
  async leaveSquare(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const room = session.invite.room;
    const name = session.info.squareName;
    this.leaveToLanding();
    await this.followLocation();
    await this.#closed;
    forgetSquare(this.#services.storage, room);
    forgetRoomStorage(this.#services.storage, room);
    await this.#services.forgetSquare(room);
    this.squares = listSquares(this.#services.storage);
    this.left = name;
  }

  /**
   * A square's extra signalling servers: those this device keeps for it, then those of the link.
   * NOTE: a link adds servers and never removes one; removing is a choice made in settings.
   */
  #servers(invite: Invite, link: Invite): string[] {
    const known = listSquares(this.#services.storage).find((s) => s.invite.room === invite.room);
    return signalingList([...(known?.invite.signaling ?? []), ...(invite.signaling ?? []), ...(link.signaling ?? [])]);
  }

  async #judge(invite: Invite): Promise<InviteVerdict> {
    const joined = listSquares(this.#services.storage).map((s) => s.invite);
    return judgeInvite(invite, await isBoundInvite(invite), joined);
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((item, i) => item === y[i]);
}
