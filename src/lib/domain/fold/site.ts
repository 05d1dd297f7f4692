import { KINDS } from '../kinds/registry.ts';
import { LatestAllowedSlice } from './latest.ts';

/**
 * The compound's site: the latest site record the authority allows (the founder's or a
 * volunteer's, never a blocked key's). A resident's site record never counts, and one by a
 * volunteer whose role was revoked stops counting, so the site falls back to the latest allowed
 * before it. Only each author's latest site record is kept: a record its author replaced leaves
 * the live square on every device (dropped like an erased post's records), so a year of
 * redrawing does not pile up.
 */
export class SiteSlice extends LatestAllowedSlice<'site'> {
  constructor() {
    super(
      'site',
      (record, authority) =>
        !authority.isBlocked(record.author) && KINDS.site.authorise(record, undefined, authority).ok,
      'latest-per-author',
    );
  }
}
