import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity, type Identity } from '../../src/lib/crypto/signing.ts';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import { openSquareKeys } from '../../src/lib/storage/identity-store.ts';
import { InMemorySquareKeys } from '../../src/lib/storage/square-keys.ts';
import { runSquareKeysContract } from '../support/square-keys-contract.ts';

beforeEach(() => {
  // A new device for each test.
  globalThis.indexedDB = new IDBFactory();
});

runSquareKeysContract('InMemorySquareKeys', () => {
  const keys = new InMemorySquareKeys();
  return { open: () => keys };
});

runSquareKeysContract('IndexedDB (openSquareKeys)', () => ({ open: () => openSquareKeys() }));

const room = (c: string) => c.repeat(22) as RoomId;

/** Writes a device key where the version before per-square keys kept it. */
async function storeLegacyDeviceKey(identity: Identity): Promise<void> {
  const open = indexedDB.open('kaifong-identity', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('keys');
  const db = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
  const tx = db.transaction('keys', 'readwrite');
  tx.objectStore('keys').put(identity, 'device');
  await new Promise((resolve) => (tx.oncomplete = resolve));
  db.close();
}

describe('the device key of an older version', () => {
  it('stays the key of the squares joined with it, and of no other square', async () => {
    const opened = await (await openSquareKeys()).identityFor(room('B')); // opened since the upgrade
    const device = await generateIdentity();
    await storeLegacyDeviceKey(device);

    const keys = await openSquareKeys({ legacyRooms: [room('A'), room('B')] });
    expect((await keys.identityFor(room('A'))).author).toBe(device.author);
    expect((await keys.identityFor(room('B'))).author).toBe(opened.author);
    expect((await keys.identityFor(room('C'))).author).not.toBe(device.author);

    // Moved once: a square remembered later does not inherit it.
    const later = await openSquareKeys({ legacyRooms: [room('A'), room('D')] });
    expect((await later.identityFor(room('A'))).author).toBe(device.author);
    expect((await later.identityFor(room('D'))).author).not.toBe(device.author);
  });
});
