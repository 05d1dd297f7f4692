import { describe, expect, it } from 'vitest';
import type { AuthorKey, RoomId } from '../../../src/lib/domain/ids.ts';
import { inviteFragment, type Invite } from '../../../src/lib/domain/invite.ts';
import { loadContact, saveContact } from '../../../src/lib/state/last-contact.ts';
import { ROOM_KEYS } from '../../../src/lib/state/room-storage.ts';
import { listSquares, rememberSquare } from '../../../src/lib/storage/squares.ts';

// What the device keeps in localStorage is read back by hand-written checks (no valibot in the
// first load): whatever the storage holds, the reader gets what is well formed, and never throws.

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

const invite: Invite = {
  room: 'R'.repeat(22) as RoomId,
  secret: 'S'.repeat(22),
  founder: `ed25519:${'F'.repeat(43)}` as AuthorKey,
};

describe('the list of joined squares', () => {
  it('reads back what was remembered', () => {
    const storage = memoryStorage();
    rememberSquare(storage, invite, 'Block 7', 1000);
    expect(listSquares(storage)).toEqual([{ invite, name: 'Block 7', lastOpenedMs: 1000 }]);
  });

  it('keeps the well-formed entries of a damaged list, and reads garbage as no squares', () => {
    const storage = memoryStorage();
    const good = { fragment: inviteFragment(invite), name: 'Block 7', lastOpenedMs: 1000 };
    storage.setItem('kaifong.squares', JSON.stringify([{ fragment: 7 }, null, good, { ...good, lastOpenedMs: '1' }]));
    expect(listSquares(storage).map((s) => s.name)).toEqual(['Block 7']);
    for (const junk of ['{', '{"a":1}', '"text"', '42'])
      expect(listSquares({ getItem: () => junk, setItem: () => undefined })).toEqual([]);
  });
});

describe('the last contact kept for a square', () => {
  it('reads back what was saved, and nothing for what is not a contact', () => {
    const storage = memoryStorage();
    saveContact(storage, invite.room, { atMs: 5000, peers: 3 });
    expect(loadContact(storage, invite.room)).toEqual({ atMs: 5000, peers: 3 });
    for (const junk of [
      '{',
      'null',
      '{"atMs":1}',
      '{"atMs":1,"peers":0}',
      '{"atMs":"1","peers":2}',
      '{"atMs":1,"peers":1.5}',
    ]) {
      storage.setItem(ROOM_KEYS.contact(invite.room), junk);
      expect(loadContact(storage, invite.room)).toBeNull();
    }
  });
});
