import { deleteSetOnly, structPieces } from '../yjs/update-parts.ts';

/**
 * Splits a Yjs update (format v1) into smaller updates along struct boundaries, so a square of
 * any size can cross a WebRTC data channel (browsers drop messages beyond ~256 KiB; see
 * yjs/y-webrtc#20 and #61). Each piece is a valid update on its own: applied in any order,
 * Yjs integrates what it can and holds the rest as pending until their dependencies arrive,
 * so a receiver shows records as they come and a cut transfer resumes from its state vector.
 *
 * NOTE: v1 encodes each struct without shared column state, so a struct's bytes can be moved
 * between updates as they are. The delete set travels in a final piece of its own.
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
  const pieces = structPieces(update, maxBytes);
  const deletes = deleteSetOnly(update);
  if (deletes) pieces.push(deletes);
  return pieces;
}
