import { KINDS } from '../kinds/registry.ts';
import { LatestAllowedSlice } from './latest.ts';

/** The square's name and settings: the latest square record the authority allows. */
export class SquareSlice extends LatestAllowedSlice<'square'> {
  constructor() {
    super('square', (record, authority) => KINDS.square.authorise(record, undefined, authority).ok);
  }
}
