import { LateFold, type LateKinds } from './fold/late-fold.ts';
import { claimKind } from './kinds/claim.ts';
import { drawKind } from './kinds/draw.ts';
import { epochKind } from './kinds/epoch.ts';
import { followupKind } from './kinds/followup.ts';
import { handoverKind } from './kinds/handover.ts';
import { messageKind } from './kinds/message.ts';
import { moveKind } from './kinds/move.ts';
import { stockKind } from './kinds/stock.ts';

/**
 * The late chunk: the rules and fold slices of the kinds the list's first paint does not need
 * (kinds/registry.ts LATE_KINDS). The board imports it right after the list painted and extends
 * its fold with it (BoardFold.extend); nothing in the first load imports it.
 */
export const lateKinds: LateKinds = {
  rules: {
    message: messageKind,
    move: moveKind,
    stock: stockKind,
    claim: claimKind,
    draw: drawKind,
    handover: handoverKind,
    followup: followupKind,
    epoch: epochKind,
  },
  fold: (site) => new LateFold(site),
};
