import type { Authority } from '../authority.ts';
import type { RecordKind, VerifiedRecord } from '../kinds/registry.ts';
import { AllowedSlice, type Kept } from './allowed.ts';
import { latest } from './order.ts';

/**
 * A setting of the whole square that its latest allowed record decides (its name and retention,
 * its site): a record the authority stops allowing (a role revoked) stops counting, and the
 * setting falls back to the latest allowed before it. A change is announced as the square's.
 */
export class LatestAllowedSlice<K extends RecordKind> extends AllowedSlice<K, VerifiedRecord<K> | undefined> {
  constructor(kind: K, allowed: (record: VerifiedRecord<K>, authority: Authority) => boolean, kept: Kept = 'all') {
    super(kind, allowed, kept, undefined);
  }

  protected decide(allowed: VerifiedRecord<K>[]): VerifiedRecord<K> | undefined {
    return latest(allowed);
  }

  get current(): VerifiedRecord<K> | undefined {
    return this.state;
  }
}
