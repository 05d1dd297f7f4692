import { ALLOWED, refused, type Verdict } from '../reasons.ts';

/** Limits on free text and list sizes, so one record cannot bloat every device. */
export const LIMITS = {
  name: 40,
  squareName: 80,
  building: 40,
  floor: 20,
  note: 1000,
  itemText: 80,
  itemsPerPost: 10,
  updateNote: 500,
  retentionDays: 365,
} as const;

/**
 * Whether a name would be accepted as a profile's, the square's or a place's: trimmed, not empty,
 * at most `max` characters. The schemas apply it (fields.ts `nameText`); commands ask before acting.
 */
export function nameVerdict(name: string, max: number): Verdict {
  const trimmed = name.trim();
  if (trimmed.length === 0) return refused('blank-name');
  return trimmed.length <= max ? ALLOWED : refused('too-long');
}
