import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

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
  const { structs } = Y.decodeUpdate(update);
  const pieces: Uint8Array[] = [];
  let chunk = new ChunkBuilder();
  for (const struct of structs) {
    if (struct instanceof Y.Skip) {
      chunk.breakRun();
      continue;
    }
    const bytes = encodeStruct(struct);
    if (chunk.size > 0 && (chunk.size + bytes.length > maxBytes || chunk.hasOtherRun(struct.id.client))) {
      pieces.push(chunk.finish());
      chunk = new ChunkBuilder();
    }
    chunk.add(struct.id.client, struct.id.clock, struct.length, bytes);
  }
  if (chunk.size > 0) pieces.push(chunk.finish());
  const deletes = deleteSetOnly(update);
  if (deletes) pieces.push(deletes);
  return pieces;
}

function encodeStruct(struct: Y.Item | Y.GC): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  struct.write(encoder, 0);
  return encoder.toUint8Array();
}

/** The delete set of an update as an update of its own, or null when nothing is deleted. */
function deleteSetOnly(update: Uint8Array): Uint8Array | null {
  const rest = Y.diffUpdate(update, Y.encodeStateVectorFromUpdate(update));
  return Y.decodeUpdate(rest).ds.clients.size > 0 ? rest : null;
}

interface Run {
  readonly client: number;
  readonly clock: number;
  nextClock: number;
  readonly structs: Uint8Array[];
}

/** Accumulates contiguous runs of structs (one run per client) and writes them as an update. */
class ChunkBuilder {
  readonly #runs = new Map<number, Run>();
  #broken = new Set<number>();
  size = 0;

  /** A client may appear once per update, so a gap in its clocks ends the chunk. */
  hasOtherRun(client: number): boolean {
    return this.#broken.has(client);
  }

  breakRun(): void {
    for (const client of this.#runs.keys()) this.#broken.add(client);
  }

  add(client: number, clock: number, length: number, bytes: Uint8Array): void {
    let run = this.#runs.get(client);
    if (run && run.nextClock !== clock) {
      // Not contiguous: cannot share a run header. Callers start a new chunk via hasOtherRun.
      throw new Error('non-contiguous struct in chunk');
    }
    if (!run) {
      run = { client, clock, nextClock: clock, structs: [] };
      this.#runs.set(client, run);
      this.size += 12;
    }
    run.structs.push(bytes);
    run.nextClock = clock + length;
    this.size += bytes.length;
  }

  finish(): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, this.#runs.size);
    for (const run of this.#runs.values()) {
      encoding.writeVarUint(encoder, run.structs.length);
      encoding.writeVarUint(encoder, run.client);
      encoding.writeVarUint(encoder, run.clock);
      for (const bytes of run.structs) encoding.writeUint8Array(encoder, bytes);
    }
    encoding.writeVarUint(encoder, 0); // empty delete set
    return encoding.toUint8Array(encoder);
  }
}
