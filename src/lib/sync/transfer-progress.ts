import type { PeerLink } from './peer-link.ts';

/** What a receiving peer knows about transfers in progress. */
export interface TransferProgress {
  /** True while at least one peer is sending this device its part of the square. */
  readonly receiving: boolean;
  readonly piecesReceived: number;
  readonly piecesTotal: number;
  /**
   * Posts the sending peers hold, as they announced, bounded by the bytes they announced: the
   * "of 9,800" in the progress line.
   */
  readonly postsAnnounced: number;
  /** The largest transfer refused from a peer still connected (too large for this device). */
  readonly refused: { readonly bytes: number } | null;
}

/** No post record is smaller than this: what bounds a peer's announced count by its bytes. */
export const MIN_RECORD_BYTES = 100;
/** A transfer that sends no piece for this long is over, as far as progress goes. */
export const STALL_MS = 20_000;

/**
 * What a peer's BEGIN announces, bounded by what it could carry: a piece holds a byte at least,
 * a post MIN_RECORD_BYTES.
 */
export function boundedAnnouncement(pieces: number, posts: number, bytes: number): { total: number; posts: number } {
  return { total: Math.min(pieces, bytes), posts: Math.min(posts, Math.floor(bytes / MIN_RECORD_BYTES)) };
}

/** The progress of the transfers from every connected peer, taken together. */
export function progressOf(links: Iterable<Pick<PeerLink, 'incoming' | 'refusedBytes'>>): TransferProgress {
  let piecesReceived = 0;
  let piecesTotal = 0;
  let postsAnnounced = 0;
  let refused: number | null = null;
  for (const { incoming, refusedBytes } of links) {
    if (refusedBytes !== null) refused = Math.max(refused ?? 0, refusedBytes);
    if (!incoming) continue;
    piecesReceived += incoming.received;
    piecesTotal += incoming.total;
    postsAnnounced = Math.max(postsAnnounced, incoming.posts);
  }
  return {
    receiving: piecesTotal > 0,
    piecesReceived,
    piecesTotal,
    postsAnnounced,
    refused: refused === null ? null : { bytes: refused },
  };
}
