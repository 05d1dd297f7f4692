// When to suggest a fresh document (an epoch, kinds/epoch.ts) to the founder.

/**
 * When the founder is told a fresh document would help: its tombstones and junk make it more
 * than this many times the size of the live records…
 */
export const EPOCH_SUGGEST_RATIO = 2;
/** …and it holds at least this many bytes that are not live records (below, nobody would notice). */
export const EPOCH_SUGGEST_WASTE_BYTES = 512 * 1024;

/** Whether a document of `documentBytes` holding `liveBytes` of live records is worth starting afresh. */
export function suggestsEpoch(documentBytes: number, liveBytes: number): boolean {
  return documentBytes - liveBytes >= EPOCH_SUGGEST_WASTE_BYTES && documentBytes > EPOCH_SUGGEST_RATIO * liveBytes;
}
