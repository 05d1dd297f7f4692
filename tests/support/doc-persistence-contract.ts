/**
 * What every DocPersistence must do, run over each implementation: what a session wrote is
 * there after a restart, compaction keeps everything, and two rooms never mix.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RoomId } from '../../src/lib/domain/ids.ts';
import type { DocPersistence } from '../../src/lib/storage/doc-persistence.ts';

/** Opens the persistence of a room's document, on the same device each call. */
export type OpenPersistence = (room: RoomId, doc: Y.Doc) => DocPersistence;

let rooms = 0;
const freshRoom = () => `doc${++rooms}`.padEnd(22, 'x') as RoomId;

/** Opens a document for a room, loads it, and returns both. */
async function open(openPersistence: OpenPersistence, room: RoomId) {
  const doc = new Y.Doc();
  const persistence = openPersistence(room, doc);
  await persistence.load();
  return { doc, persistence, records: doc.getMap<string>('records') };
}

export function runDocPersistenceContract(name: string, setup: () => OpenPersistence): void {
  describe(`DocPersistence contract: ${name}`, () => {
    it('loads nothing for a room never written', async () => {
      const { records } = await open(setup(), freshRoom());
      expect(records.size).toBe(0);
    });

    it('keeps what a session wrote, written before and after loading, across a restart', async () => {
      const openPersistence = setup();
      const room = freshRoom();
      const doc = new Y.Doc();
      doc.getMap<string>('records').set('early', 'written before the load');
      const persistence = openPersistence(room, doc);
      await persistence.load();
      doc.getMap<string>('records').set('late', 'written after the load');
      await persistence.destroy();

      const again = await open(openPersistence, room);
      expect(again.records.toJSON()).toEqual({ early: 'written before the load', late: 'written after the load' });
    });

    it('keeps what the document held before loading, even with no write after it', async () => {
      const openPersistence = setup();
      const room = freshRoom();
      const doc = new Y.Doc();
      doc.getMap<string>('records').set('early', 'only before');
      const persistence = openPersistence(room, doc);
      await persistence.load();
      await persistence.destroy();
      const again = await open(openPersistence, room);
      expect(again.records.get('early')).toBe('only before');
    });

    it('keeps every entry, and the deletions, through compaction', async () => {
      const openPersistence = setup();
      const room = freshRoom();
      const first = await open(openPersistence, room);
      for (let i = 0; i < 50; i++) first.records.set(`k${i}`, `v${i}`);
      for (let i = 0; i < 25; i++) first.records.delete(`k${i}`);
      await first.persistence.compact();
      await first.persistence.destroy();
      const again = await open(openPersistence, room);
      expect(again.records.size).toBe(25);
      expect(again.records.get('k30')).toBe('v30');
      expect(again.records.has('k3')).toBe(false);
    });

    it('never mixes two rooms', async () => {
      const openPersistence = setup();
      const [a, b] = [freshRoom(), freshRoom()];
      const first = await open(openPersistence, a);
      first.records.set('only', 'in a');
      await first.persistence.destroy();
      const other = await open(openPersistence, b);
      expect(other.records.size).toBe(0);
    });

    it('writes nothing more after destroy', async () => {
      const openPersistence = setup();
      const room = freshRoom();
      const first = await open(openPersistence, room);
      first.records.set('kept', 'yes');
      await first.persistence.destroy();
      first.records.set('after', 'no');
      const again = await open(openPersistence, room);
      expect(again.records.toJSON()).toEqual({ kept: 'yes' });
    });
  });
}
