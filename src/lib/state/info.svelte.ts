import type { Board } from '../board/board.ts';
import type { AuthorKey, SealKey } from '../domain/ids.ts';
import type { Invite } from '../domain/invite.ts';
import { DEFAULT_RETENTION_DAYS } from '../domain/retention.ts';
import type { SquareFile } from './square-file.ts';
import { runCommand, type CommandOutcome } from './command.ts';

/** What the square's information reads from its session. */
export interface InfoContext {
  readonly invite: Invite;
  readonly me: AuthorKey;
  now(): number;
  board(): Board | null;
  /** The key messages to this resident are sealed to, once the square has opened. */
  sealKey(): SealKey | undefined;
}

/** The square as a whole: its name and settings, who is in it, and how many entries were refused. */
export class SquareInfo {
  #version = $state(0);
  readonly #context: InfoContext;

  readonly squareName: string = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.squareName() ?? '';
  });
  readonly retentionDays: number = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.retentionDays() ?? DEFAULT_RETENTION_DAYS;
  });
  /** Whether this device's resident has a profile here. */
  readonly joined: boolean = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.profile(this.#context.me) !== undefined;
  });
  /** The building in this resident's profile, which a new post starts from. */
  readonly myBuilding: string = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.profile(this.#context.me)?.building ?? '';
  });
  /** Entries in the shared document that failed verification, schema or authorisation. */
  readonly invalidCount: number = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.invalidCount ?? 0;
  });

  constructor(context: InfoContext) {
    this.#context = context;
  }

  /** Reads the board again after it changed. */
  refresh(): void {
    this.#version++;
  }

  /** Whether this resident is the founder now (the invite's key, or whoever it was handed to). */
  get isFounder(): boolean {
    void this.#version;
    return (
      this.#context.board()?.view.authority.isFounder(this.#context.me) ??
      this.#context.invite.founder === this.#context.me
    );
  }

  /** The name a resident goes by, if they have a profile. */
  nameOf(author: AuthorKey): string | undefined {
    void this.#version;
    return this.#context.board()?.view.profile(author)?.name;
  }

  /** How many residents go by this author's name: more than one is worth a second look. */
  namesakes(author: AuthorKey): number {
    void this.#version;
    return this.#context.board()?.view.sharesName(author) ?? 0;
  }

  join(name: string, building?: string): Promise<CommandOutcome> {
    return runCommand(this.#commands(), (c) => c.saveProfile(name, building, this.#context.sealKey()));
  }

  /**
   * Publishes this device's encryption key in the resident's profile if it does not carry it
   * (a profile from before messages, or from another device), so neighbours can write to them.
   */
  async publishSealKey(): Promise<void> {
    const profile = this.#context.board()?.view.profile(this.#context.me);
    const key = this.#context.sealKey();
    if (!profile || !key || profile.seal === key) return;
    await this.join(profile.name, profile.building);
  }

  nameSquare(name: string, retentionDays?: number): Promise<CommandOutcome> {
    return runCommand(this.#commands(), (c) => c.nameSquare(name, retentionDays));
  }

  /** The founder's setting: how many days closed posts stay before every device drops them. */
  setRetention(days: number): Promise<CommandOutcome> {
    return this.nameSquare(this.squareName, days);
  }

  /** An archive of every closed post's records, for a volunteer to keep before they are dropped. */
  async archive(): Promise<SquareFile> {
    const { archiveFile } = await import('./square-file.ts');
    const now = this.#context.now();
    const records = this.#context.board()?.closedRecords(now) ?? [];
    return archiveFile(this.#context.invite, this.squareName, now, records);
  }

  #commands() {
    return this.#context.board()?.commands ?? null;
  }
}
