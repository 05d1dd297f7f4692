import type { Invite } from '../domain/invite.ts';
import { parseInvite, inviteFragment } from '../domain/invite.ts';

/** A square this device has joined, as listed on the landing page. */
export interface JoinedSquare {
  readonly invite: Invite;
  readonly name: string;
  readonly lastOpenedMs: number;
}

/** Where the list lives: localStorage in the browser. */
export type SquareListStorage = Pick<Storage, 'getItem' | 'setItem'>;

const KEY = 'kaifong.squares';

/** One square as stored. NOTE: checked by hand, not with valibot: this module is in the first load. */
interface StoredSquare {
  readonly fragment: string;
  readonly name: string;
  readonly lastOpenedMs: number;
}

function isStoredSquare(value: unknown): value is StoredSquare {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Partial<Record<keyof StoredSquare, unknown>>;
  return (
    typeof stored.fragment === 'string' && typeof stored.name === 'string' && typeof stored.lastOpenedMs === 'number'
  );
}

/** The squares this device has joined, most recently opened first. */
export function listSquares(storage: SquareListStorage): JoinedSquare[] {
  try {
    const stored: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    if (!Array.isArray(stored)) return [];
    return stored
      .filter(isStoredSquare)
      .flatMap((s) => {
        const invite = parseInvite(s.fragment);
        return invite ? [{ invite, name: s.name, lastOpenedMs: s.lastOpenedMs }] : [];
      })
      .sort((a, b) => b.lastOpenedMs - a.lastOpenedMs);
  } catch {
    return [];
  }
}

const LAST_KEY = 'kaifong.last-square';

/**
 * The square the resident was in when they last left the app, which the bare address opens; null
 * once they chose the list of squares ("All squares") or left the square.
 */
export function lastSquare(storage: SquareListStorage): JoinedSquare | null {
  const room = storage.getItem(LAST_KEY);
  return listSquares(storage).find((s) => s.invite.room === room) ?? null;
}

/** Remembers the square the resident is in (null: the list of squares). */
export function rememberLastSquare(storage: SquareListStorage, room: Invite['room'] | null): void {
  storage.setItem(LAST_KEY, room ?? '');
}

/** Takes a square off the list (it moved to a new link this device followed). */
export function forgetSquare(storage: SquareListStorage, room: Invite['room']): void {
  const stored = listSquares(storage)
    .filter((s) => s.invite.room !== room)
    .map((s) => ({ fragment: inviteFragment(s.invite), name: s.name, lastOpenedMs: s.lastOpenedMs }));
  storage.setItem(KEY, JSON.stringify(stored));
}

/** Adds or refreshes a square in the list; an empty name keeps the one already known. */
export function rememberSquare(storage: SquareListStorage, invite: Invite, name: string, nowMs: number): void {
  const squares = listSquares(storage);
  const existing = squares.find((s) => s.invite.room === invite.room);
  const others = squares.filter((s) => s.invite.room !== invite.room);
  const entry = { invite, name: name || existing?.name || '', lastOpenedMs: nowMs };
  const stored = [entry, ...others].map((s) => ({
    fragment: inviteFragment(s.invite),
    name: s.name,
    lastOpenedMs: s.lastOpenedMs,
  }));
  storage.setItem(KEY, JSON.stringify(stored));
}
