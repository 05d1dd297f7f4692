// Server-to-client WebSocket frames (RFC 6455 §5.2), encoded once per message and written as they
// are to every receiver's socket: the frame of a publish is the same bytes for all of its room.

/** Header bytes before the payload: 2, plus 2 or 8 for the extended length. */
function headerLength(payloadBytes: number): number {
  return payloadBytes < 126 ? 2 : payloadBytes < 0x1_0000 ? 4 : 10;
}

/**
 * An unmasked, unfragmented text frame (FIN, opcode 1) for a payload of `length` bytes, its header
 * written; the caller writes the payload from `offset`.
 */
export function allocTextFrame(length: number): { frame: Buffer; offset: number } {
  const offset = headerLength(length);
  const frame = Buffer.allocUnsafe(offset + length);
  frame[0] = 0x81;
  if (offset === 2) {
    frame[1] = length;
  } else if (offset === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    // 64-bit length; frames here are bounded far below 2^32
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  return { frame, offset };
}

/** An unmasked, unfragmented text frame carrying `payload`. */
export function textFrame(payload: string): Buffer {
  const { frame, offset } = allocTextFrame(Buffer.byteLength(payload, 'utf8'));
  frame.write(payload, offset, 'utf8');
  return frame;
}

/** Payload bytes of a frame made by textFrame. */
export function payloadBytes(frame: Buffer): number {
  const short = frame[1] ?? 0;
  return frame.length - (short < 126 ? 2 : short === 126 ? 4 : 10);
}
