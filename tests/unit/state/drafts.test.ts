import { describe, expect, it } from 'vitest';
import type { RoomId } from '../../../src/lib/domain/ids.ts';
import { draftPublishable, emptyDraft } from '../../../src/lib/domain/post-draft.ts';
import { DraftKeeper } from '../../../src/lib/state/drafts.ts';

function storage(): Map<string, string> & Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const map = new Map<string, string>() as Map<string, string> & Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  map.getItem = (key) => map.get(key) ?? null;
  map.setItem = (key, value) => void map.set(key, value);
  map.removeItem = (key) => void map.delete(key);
  return map;
}

const room = 'R'.repeat(22) as RoomId;
const other = 'O'.repeat(22) as RoomId;

describe('the New post draft', () => {
  it('is kept as typed and comes back after a reload, in its own square only', () => {
    const device = storage();
    const draft = {
      ...emptyDraft(),
      type: 'offer' as const,
      note: 'half-written: spare masks for',
      groups: ['elderly' as const],
    };
    new DraftKeeper(device, room).keep(draft);
    expect(new DraftKeeper(device, room).load()).toEqual(draft);
    expect(new DraftKeeper(device, other).load()).toBeNull();
  });

  it('keeps nothing for an untouched form, and forgets a draft published or cancelled', () => {
    const device = storage();
    const keeper = new DraftKeeper(device, room);
    keeper.keep(emptyDraft());
    expect(device.size).toBe(0);
    keeper.keep({ ...emptyDraft(), note: 'x' });
    expect(device.size).toBe(1);
    keeper.keep(emptyDraft());
    expect(keeper.load()).toBeNull();
    keeper.keep({ ...emptyDraft(), note: 'x' });
    keeper.discard();
    expect(keeper.load()).toBeNull();
  });

  it('cannot be published untouched: the resident picks the item, and the building comes from the profile', () => {
    const fresh = emptyDraft('Block 3');
    expect(fresh.building).toBe('Block 3');
    expect(draftPublishable(fresh)).toBe(false);
    expect(draftPublishable({ ...fresh, items: [{ item: 'thermometer', qty: 1, text: '' }] })).toBe(true);
    const swap = { ...fresh, type: 'swap' as const, items: [{ item: 'thermometer' as const, qty: 1, text: '' }] };
    expect(draftPublishable(swap)).toBe(false);
  });

  it('ignores what is not a draft (another version, a hand-edited store)', () => {
    const device = storage();
    const keeper = new DraftKeeper(device, room);
    for (const text of [
      '{',
      '"note"',
      JSON.stringify({ ...emptyDraft(), type: 'sell' }),
      JSON.stringify({ note: 1 }),
    ]) {
      device.set(`kaifong.draft.${room}`, text);
      expect(keeper.load()).toBeNull();
    }
  });
});
