import type { Board } from '../board/board.ts';
import type { Commands, CommandResult } from '../board/commands.ts';
import { badgesOf, type Badge } from '../domain/badges.ts';
import type { ReviewItem } from '../domain/fold/board-view.ts';
import type { ModerationEntry } from '../domain/fold/trust.ts';
import { hlcMs } from '../domain/hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../domain/ids.ts';
import type { HideReason } from '../domain/kinds/moderation.ts';
import { memberCodeOf, parseMemberCode } from '../domain/member-code.ts';
import { runCommand, type CommandOutcome } from './command.ts';

/** What the trust state reads from its session. */
export interface TrustContext {
  readonly me: AuthorKey;
  board(): Board | null;
}

/** One row of the Members view. */
export interface MemberRow {
  readonly author: AuthorKey;
  readonly name: string;
  readonly building: string;
  readonly badges: readonly Badge[];
  readonly firstSeenMs: number;
  readonly isMe: boolean;
}

/**
 * Who is who in a square, and what the founder and volunteers do about it: the member list with
 * badges, roles, vouching by a resident's code, reports, the review queue, hiding, blocking and
 * the moderation log every member can read. Commands go through the board, judged by the same
 * rules the fold uses on every device.
 */
export class SquareTrust {
  #version = $state(0);
  readonly #context: TrustContext;

  readonly members: readonly MemberRow[] = $derived.by(() => {
    void this.#version;
    const view = this.#context.board()?.view;
    if (!view) return [];
    return view.members().map((m) => ({
      author: m.author,
      name: m.profile.name,
      building: m.profile.building ?? '',
      badges: badgesOf(view.authority, m.author),
      firstSeenMs: hlcMs(m.firstSeen),
      isMe: m.author === this.#context.me,
    }));
  });
  readonly reviewQueue: readonly ReviewItem[] = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.reviewQueue() ?? [];
  });
  /** Every moderation record, newest first, so the latest action is on top. */
  readonly moderationLog: readonly ModerationEntry[] = $derived.by(() => {
    void this.#version;
    return [...(this.#context.board()?.view.moderationLog() ?? [])].reverse();
  });
  readonly isFounder: boolean = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.authority.isFounder(this.#context.me) ?? false;
  });
  /** The founder or a volunteer: sees the review queue, vouches, hides and blocks. */
  readonly canModerate: boolean = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.authority.canModerate(this.#context.me) ?? false;
  });

  constructor(context: TrustContext) {
    this.#context = context;
  }

  /** Reads the board again after it changed. */
  refresh(): void {
    this.#version++;
  }

  /** The code this resident shows a volunteer (as a QR code or text). */
  get myCode(): string {
    return memberCodeOf(this.#context.me);
  }

  badgesOf(author: AuthorKey): Badge[] {
    void this.#version;
    const view = this.#context.board()?.view;
    return view ? badgesOf(view.authority, author) : [];
  }

  setVolunteer(member: AuthorKey, volunteer: boolean): Promise<CommandOutcome> {
    return this.#run((c) => c.setRole(member, volunteer ? 'grant-volunteer' : 'revoke-volunteer'));
  }

  /** The founder hands the founder role to another resident. */
  handFounder(member: AuthorKey): Promise<CommandOutcome> {
    return this.#run((c) => c.setRole(member, 'hand-founder'));
  }

  /** Vouches for the resident whose code was pasted or scanned. */
  async vouchByCode(code: string): Promise<CommandOutcome & { readonly member?: AuthorKey }> {
    const member = parseMemberCode(code);
    if (!member) return { ok: false, reason: 'not-a-code' };
    const outcome = await this.#run((c) => c.vouch(member));
    return outcome.ok ? { ...outcome, member } : outcome;
  }

  report(post: PostId, reason: HideReason): Promise<CommandOutcome> {
    return this.#run((c) => c.report(post, reason));
  }

  hide(post: PostId, reason: HideReason): Promise<CommandOutcome> {
    return this.#run((c) => c.hidePost(post, reason));
  }

  /** Hides a post from the review queue, for the reason its first reporter gave. */
  hideReported(item: ReviewItem): Promise<CommandOutcome> {
    return this.hide(item.post.id, item.reports[0]?.body.reason ?? 'abuse');
  }

  block(member: AuthorKey, reason: HideReason): Promise<CommandOutcome> {
    return this.#run((c) => c.block(member, reason));
  }

  undo(moderation: RecordId): Promise<CommandOutcome> {
    return this.#run((c) => c.undoModeration(moderation));
  }

  #run(command: (commands: Commands) => Promise<CommandResult>): Promise<CommandOutcome> {
    return runCommand(this.#context.board()?.commands ?? null, command);
  }
}
