import { describe, expect, it } from 'vitest';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { RESTORE_BURST, RESTORES_PER_SECOND, RestoreQueue } from '../../src/lib/board/restores.ts';
import { FakeClock } from '../support/fake-clock.ts';

function records(count: number): AnyRecord[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i}` }) as unknown as AnyRecord);
}

describe('RestoreQueue (issue 9, attack 2)', () => {
  it('puts back a burst at once, then at most RESTORES_PER_SECOND, in batches', () => {
    const clock = new FakeClock(0);
    const batches: number[] = [];
    const queue = new RestoreQueue(
      clock,
      (batch) => batches.push(batch.length),
      () => true,
    );
    queue.add(records(RESTORE_BURST + 3 * RESTORES_PER_SECOND));
    expect(batches).toEqual([RESTORE_BURST]);
    clock.advance(1000);
    clock.advance(1000);
    clock.advance(1000);
    expect(batches).toEqual([RESTORE_BURST, RESTORES_PER_SECOND, RESTORES_PER_SECOND, RESTORES_PER_SECOND]);
    expect(queue.waiting).toBe(0);
    // A peer deleting everything again right away gets only what a second earns back.
    queue.add(records(RESTORE_BURST));
    expect(batches).toHaveLength(4);
    expect(queue.waiting).toBe(RESTORE_BURST);
    clock.advance(1000);
    expect(batches.at(-1)).toBe(RESTORES_PER_SECOND);
  });

  it('skips what is no longer needed when its turn comes', () => {
    const clock = new FakeClock(0);
    const written: string[] = [];
    const gone = new Set<string>();
    const queue = new RestoreQueue(
      clock,
      (batch) => written.push(...batch.map((r) => r.id)),
      (record) => !gone.has(record.id),
    );
    queue.add(records(RESTORE_BURST + 2));
    gone.add(`r${RESTORE_BURST}`);
    clock.advance(1000);
    expect(written).toHaveLength(RESTORE_BURST + 1);
    expect(written).not.toContain(`r${RESTORE_BURST}`);
  });
});
