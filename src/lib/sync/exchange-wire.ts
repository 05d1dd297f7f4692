import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The document exchange's wire format (lib0 encoding, one message per data-channel message):
 *   HELLO  stateVector [epoch]      — "this is what I have": answered (once per connection) with
 *                                     what the sender lacks; repeated until answered, because a
 *          [epochId epochRecord]      first message can race the remote channel's setup
 *   BEGIN  pieces, posts, bytes     — a transfer of `pieces` CHUNKs follows
 *          [epoch]
 *   CHUNK  update [epoch]           — part of a transfer (a valid update on its own)
 *   END    [epoch]                  — the transfer is complete
 *   UPDATE update [epoch]           — a live change (or a piece of one), forwarded so a partial
 *                                     mesh converges
 * The epoch number rides at the end of every message (versions before epochs stop reading
 * earlier, and send none: epoch 0), so a message of another epoch's document is never applied
 * to this one. A HELLO of a later epoch also carries its founder-signed record.
 */
export const MESSAGE = { hello: 0, begin: 1, chunk: 2, end: 3, update: 4 } as const;

/** Largest piece of document in one message: well under every browser's data-channel limit. */
export const CHUNK_BYTES = 16 * 1024;

/** A founder-signed epoch record as a HELLO carries it: its number, id and stored form. */
export interface EpochOffer {
  readonly epoch: number;
  readonly id: string;
  readonly record: string;
}

/** A message from a peer, decoded; `null` from decodeMessage for a type a newer version sends. */
export type ExchangeMessage =
  | {
      readonly type: 'hello';
      readonly stateVector: Uint8Array;
      readonly epoch: number;
      /**
       * Reads the epoch record the HELLO carries. NOTE: read only when wanted (a HELLO of a later
       * epoch, once per link): a malformed record then fails that offer alone.
       */
      readonly readOffer: () => EpochOffer;
    }
  | {
      readonly type: 'begin';
      readonly pieces: number;
      readonly posts: number;
      readonly bytes: number;
      readonly epoch: number;
    }
  | { readonly type: 'chunk'; readonly piece: Uint8Array; readonly epoch: number }
  | { readonly type: 'end'; readonly epoch: number }
  | { readonly type: 'update'; readonly update: Uint8Array; readonly epoch: number };

/** HELLO: this device's state vector, its epoch and, past the first, the epoch's record. */
export function encodeHello(stateVector: Uint8Array, epoch: EpochOffer | null): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.hello);
  encoding.writeVarUint8Array(encoder, stateVector);
  encoding.writeVarUint(encoder, epoch?.epoch ?? 0);
  if (epoch) {
    encoding.writeVarString(encoder, epoch.id);
    encoding.writeVarString(encoder, epoch.record);
  }
  return encoding.toUint8Array(encoder);
}

/** BEGIN: a transfer of `pieces` CHUNKs follows, of `bytes` in all, from a device holding `posts`. */
export function encodeBegin(pieces: number, posts: number, bytes: number, epoch: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.begin);
  encoding.writeVarUint(encoder, pieces);
  encoding.writeVarUint(encoder, posts);
  encoding.writeVarUint(encoder, bytes);
  encoding.writeVarUint(encoder, epoch);
  return encoding.toUint8Array(encoder);
}

/** END: the transfer is complete. */
export function encodeEnd(epoch: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.end);
  encoding.writeVarUint(encoder, epoch);
  return encoding.toUint8Array(encoder);
}

/** A CHUNK of a transfer or a live UPDATE: a piece of document. */
export function encodePiece(
  type: typeof MESSAGE.chunk | typeof MESSAGE.update,
  payload: Uint8Array,
  epoch: number,
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  encoding.writeVarUint(encoder, epoch);
  return encoding.toUint8Array(encoder);
}

/** Decodes a message from a peer; throws on a malformed one, `null` for an unknown type. */
export function decodeMessage(message: Uint8Array): ExchangeMessage | null {
  const decoder = decoding.createDecoder(message);
  switch (decoding.readVarUint(decoder)) {
    case MESSAGE.hello: {
      const stateVector = decoding.readVarUint8Array(decoder);
      const epoch = epochOf(decoder);
      const readOffer = () => ({ epoch, id: decoding.readVarString(decoder), record: decoding.readVarString(decoder) });
      return { type: 'hello', stateVector, epoch, readOffer };
    }
    case MESSAGE.begin: {
      const pieces = decoding.readVarUint(decoder);
      const posts = decoding.readVarUint(decoder);
      const bytes = decoding.readVarUint(decoder);
      return { type: 'begin', pieces, posts, bytes, epoch: epochOf(decoder) };
    }
    case MESSAGE.chunk: {
      const piece = decoding.readVarUint8Array(decoder);
      return { type: 'chunk', piece, epoch: epochOf(decoder) };
    }
    case MESSAGE.end:
      return { type: 'end', epoch: epochOf(decoder) };
    case MESSAGE.update: {
      const update = decoding.readVarUint8Array(decoder);
      return { type: 'update', update, epoch: epochOf(decoder) };
    }
    default:
      return null;
  }
}

/** The epoch a message ends with: 0 when it carries none (a version before epochs). */
function epochOf(decoder: decoding.Decoder): number {
  return decoding.hasContent(decoder) ? decoding.readVarUint(decoder) : 0;
}
