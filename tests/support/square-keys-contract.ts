/** The behaviour every SquareKeys must have, run over each implementation (as the vault's contract suite). */
import { describe, expect, it } from 'vitest';
import { boundRoom, newRoomNonce } from '../../src/lib/crypto/room-binding.ts';
import { openBox, seal } from '../../src/lib/crypto/seal.ts';
import { signRecord, verifyRecord } from '../../src/lib/crypto/signing.ts';
import { RECORD_VERSION } from '../../src/lib/domain/envelope.ts';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import type { SquareKeys } from '../../src/lib/storage/square-keys.ts';

/** One device's keys: each `open()` is a new tab or a reload on that device. */
export type SquareKeysSetup = () => { open(): SquareKeys | Promise<SquareKeys> };

const room = (c: string) => c.repeat(22) as RoomId;

export function runSquareKeysContract(name: string, setup: SquareKeysSetup): void {
  describe(`SquareKeys contract: ${name}`, () => {
    it('gives a room the same key every time, and after a reload', async () => {
      const device = setup();
      const keys = await device.open();
      const first = await keys.identityFor(room('A'));
      expect((await keys.identityFor(room('A'))).author).toBe(first.author);
      expect((await (await device.open()).identityFor(room('A'))).author).toBe(first.author);
    });

    it('gives each room a key of its own', async () => {
      const keys = await setup().open();
      const authors = await Promise.all(['A', 'B', 'C'].map(async (c) => (await keys.identityFor(room(c))).author));
      expect(new Set(authors).size).toBe(3);
    });

    it('agrees on one key when two tabs open a new room at once', async () => {
      const device = setup();
      const [one, two] = await Promise.all([device.open(), device.open()]);
      const [a, b, c] = await Promise.all([
        one.identityFor(room('A')),
        two.identityFor(room('A')),
        one.identityFor(room('A')),
      ]);
      expect(new Set([a.author, b.author, c.author]).size).toBe(1);
    });

    it('keeps a founder’s new key under the room derived from it', async () => {
      const device = setup();
      const nonce = newRoomNonce();
      const keys = await device.open();
      const { room: founded, identity } = await keys.found((founder) => boundRoom(founder, nonce));
      expect(founded).toBe(await boundRoom(identity.author, nonce));
      expect((await (await device.open()).identityFor(founded)).author).toBe(identity.author);
      expect((await keys.identityFor(room('A'))).author).not.toBe(identity.author);
    });

    it('signs with the key it gives, which can be backed up', async () => {
      const identity = await (await setup().open()).identityFor(room('A'));
      expect(identity.privateKey.extractable).toBe(true);
      const body = { name: 'Ah Ming' };
      const signed = await signRecord(
        { v: RECORD_VERSION, kind: 'profile', author: identity.author, at: '0', body } as never,
        identity,
      );
      expect(await verifyRecord(signed)).toEqual({ valid: true, id: signed.id });
    });

    it('lists every room’s key, and keeps a restored key in place of the room’s own, after a reload', async () => {
      const device = setup();
      const keys = await device.open();
      const a = await keys.identityFor(room('A'));
      const b = await keys.identityFor(room('B'));
      expect((await keys.all()).map((k) => [k.room, k.identity.author]).sort()).toEqual(
        [
          [room('A'), a.author],
          [room('B'), b.author],
        ].sort(),
      );
      await keys.restore(room('A'), b);
      expect((await (await device.open()).identityFor(room('A'))).author).toBe(b.author);
    });

    it('forgets a room’s keys for good (the resident left): opened again, it gets new ones; others stay', async () => {
      const device = setup();
      const keys = await device.open();
      const a = await keys.identityFor(room('A'));
      const b = await keys.identityFor(room('B'));
      const sealing = await keys.sealingFor(room('A'));
      await keys.forget(room('A'));
      const reopened = await device.open();
      expect((await reopened.all()).map((k) => k.room)).toEqual([room('B')]);
      expect((await reopened.identityFor(room('A'))).author).not.toBe(a.author);
      expect(await reopened.sealingFor(room('A'))).not.toBe(sealing);
      expect((await reopened.identityFor(room('B'))).author).toBe(b.author);
    });

    it('gives a room the same encryption keys every time, after a reload, and in two tabs at once', async () => {
      const device = setup();
      const [one, two] = await Promise.all([device.open(), device.open()]);
      const [a, b] = await Promise.all([one.sealingFor(room('A')), two.sealingFor(room('A'))]);
      expect(b.publicKey).toBe(a.publicKey);
      const again = await (await device.open()).sealingFor(room('A'));
      expect(again.publicKey).toBe(a.publicKey);
      expect((await one.sealingFor(room('B'))).publicKey).not.toBe(a.publicKey);
      const box = await seal('hello', [a.publicKey], 'aad');
      expect(await openBox(box, again, 'aad')).toBe('hello');
      expect(a.privateKey.extractable).toBe(true);
    });

    it('backs up and restores a room’s encryption keys with its signing key', async () => {
      const device = setup();
      const keys = await device.open();
      const identity = await keys.identityFor(room('A'));
      const sealing = await keys.sealingFor(room('A'));
      expect((await keys.all()).find((k) => k.room === room('A'))?.sealing?.publicKey).toBe(sealing.publicKey);
      const other = await setup().open();
      await other.restore(room('A'), identity, sealing);
      expect((await other.sealingFor(room('A'))).publicKey).toBe(sealing.publicKey);
    });
  });
}
