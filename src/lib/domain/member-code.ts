import { isAuthorKey, type AuthorKey } from './ids.ts';

/** What a resident's code (shown as a QR code, or sent as text) starts with. */
export const MEMBER_CODE_PREFIX = 'kaifong-member:';

/** The code a resident shows a volunteer: their public signing key in this square. */
export function memberCodeOf(author: AuthorKey): string {
  return `${MEMBER_CODE_PREFIX}${author}`;
}

/** Reads a pasted or scanned code; the bare key is accepted too. Null if it is not a code. */
export function parseMemberCode(text: string): AuthorKey | null {
  const trimmed = text.trim();
  const key = trimmed.startsWith(MEMBER_CODE_PREFIX) ? trimmed.slice(MEMBER_CODE_PREFIX.length) : trimmed;
  return isAuthorKey(key) ? key : null;
}
