import { isoDateOfMs } from '../domain/calendar.ts';
import type { RoomId } from '../domain/ids.ts';
import { inviteFragment, parseInvite } from '../domain/invite.ts';
import type { ReasonCode } from '../domain/reasons.ts';
import { listSquares, rememberSquare } from '../storage/squares.ts';
import type { AppServices } from './services.ts';

// The resident's keys of every square on this device, sealed into a backup file with a passphrase,
// and back. Loaded when used (AppState.backupIdentity, restoreIdentity), as is the sealing code.

type KeyServices = Pick<AppServices, 'keys' | 'storage' | 'clock'>;

export type KeyBackup = { ok: true; fileName: string; text: string } | { ok: false; reason: ReasonCode };

/** Seals every square's key on this device, with each square's link and name, into a backup file. */
export async function backupKeys(services: KeyServices, passphrase: string): Promise<KeyBackup> {
  const { MIN_PASSPHRASE, sealBackup } = await import('../crypto/identity-backup.ts');
  if (passphrase.length < MIN_PASSPHRASE) return { ok: false, reason: 'required' };
  try {
    const squares = listSquares(services.storage);
    const keys = await services.keys.all();
    const text = await sealBackup(
      keys.map((kept) => {
        const square = squares.find((s) => s.invite.room === kept.room);
        return square ? { ...kept, fragment: inviteFragment(square.invite), name: square.name } : kept;
      }),
      passphrase,
    );
    return { ok: true, fileName: `kaifong-identity-${isoDateOfMs(services.clock.now())}.json`, text };
  } catch (error) {
    console.error('kaifong: backup failed', error);
    return { ok: false, reason: 'failed' };
  }
}

/** Restores the keys of a backup file and lists their squares again; the rooms whose keys came back. */
export async function restoreKeys(
  services: KeyServices,
  text: string,
  passphrase: string,
): Promise<{ ok: true; rooms: RoomId[] } | { ok: false; reason: ReasonCode }> {
  const { openBackup } = await import('../crypto/identity-backup.ts');
  const opened = await openBackup(text, passphrase);
  if (!opened.ok) return opened;
  const now = services.clock.now();
  for (const square of opened.squares) {
    await services.keys.restore(square.room, square.identity, square.sealing);
    const invite = square.fragment ? parseInvite(square.fragment) : null;
    if (invite && invite.room === square.room) rememberSquare(services.storage, invite, square.name ?? '', now);
  }
  return { ok: true, rooms: opened.squares.map((square) => square.room) };
}
