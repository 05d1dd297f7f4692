import { KINDS, type VerifiedRecord } from '../kinds/registry.ts';
import { AllowedSlice } from './allowed.ts';
import { byTimeThenId } from './order.ts';

export type EpochRecord = VerifiedRecord<'epoch'>;

/**
 * The square's current epoch: the highest epoch number the authority allows (a member's forged
 * epoch is ignored), named by the earliest record of that number. NOTE: two of the founder's
 * devices may start the same number concurrently; both name the same document, so either record
 * will do, and every device picks the same one.
 */
export class EpochsSlice extends AllowedSlice<'epoch', EpochRecord | undefined> {
  constructor() {
    super('epoch', (record, authority) => KINDS.epoch.authorise(record, undefined, authority).ok, 'all', undefined);
  }

  protected decide(allowed: EpochRecord[]): EpochRecord | undefined {
    let next: EpochRecord | undefined;
    for (const record of allowed.sort(byTimeThenId)) {
      if (next === undefined || record.body.epoch > next.body.epoch) next = record;
    }
    return next;
  }

  get current(): EpochRecord | undefined {
    return this.state;
  }
}
