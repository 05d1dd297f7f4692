import type { Commands, CommandResult } from '../board/commands.ts';
import type { ReasonCode } from '../domain/reasons.ts';

/** What a component learns from a command: done, or why not (a code that i18n translates). */
export type CommandOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: ReasonCode };

/** Runs a command once the square is open; never throws. */
export async function runCommand(
  commands: Commands | null,
  command: (commands: Commands) => Promise<CommandResult>,
): Promise<CommandOutcome> {
  if (!commands) return { ok: false, reason: 'opening' };
  try {
    const result = await command(commands);
    return result.ok ? { ok: true } : { ok: false, reason: result.reason };
  } catch (error) {
    console.error('kaifong: command failed', error);
    return { ok: false, reason: 'failed' };
  }
}
