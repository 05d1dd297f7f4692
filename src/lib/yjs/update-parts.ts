import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/**
 * Taking Yjs updates (format v1) apart and putting them together: the structs of an update as
 * updates of their own, its delete set alone, and arithmetic on ranges of a client's clocks.
 * NOTE: v1 encodes each struct without shared column state, so a struct's bytes can be moved
 * between updates as they are.
 */

/** The structs of an update as updates of their own, at most `maxBytes` each where a struct allows, without its delete set. */
export function structPieces(update: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): Uint8Array[] {
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
  return pieces;
}

/**
 * What a document holds beyond a state vector, as splitUpdate(Y.encodeStateAsUpdate(doc, sv))
 * gives it: its structs in pieces of at most `maxBytes` where a struct allows, then its whole
 * delete set in a piece of its own (if any). Read from the document's struct store, struct by
 * struct, rather than encoded whole, decoded and encoded again: those passes cost a sender over a
 * second at 50,000 records before a newcomer got its first piece. Null when the document holds
 * pending structs or deletions (they travel with encodeStateAsUpdate only).
 */
export function missingPieces(doc: Y.Doc, stateVector: Uint8Array, maxBytes: number): Uint8Array[] | null {
  const store = doc.store;
  if (store.pendingStructs !== null || store.pendingDs !== null) return null;
  const known = Y.decodeStateVector(stateVector);
  const pieces: Uint8Array[] = [];
  let chunk = new ChunkBuilder();
  // Highest client first, as Yjs writes them.
  for (const [client, structs] of [...store.clients].sort(([a], [b]) => b - a)) {
    const from = known.get(client) ?? 0;
    if (Y.getState(store, client) <= from) continue;
    const first = from > structs[0]!.id.clock ? Y.findIndexSS(structs, from) : 0;
    for (let i = first; i < structs.length; i++) {
      const struct = structs[i]!;
      const offset = i === first ? Math.max(0, from - struct.id.clock) : 0;
      const encoder = new Y.UpdateEncoderV1();
      struct.write(encoder, offset);
      const bytes = encoder.toUint8Array();
      if (chunk.size > 0 && (chunk.size + bytes.length > maxBytes || chunk.hasOtherRun(client))) {
        pieces.push(chunk.finish());
        chunk = new ChunkBuilder();
      }
      chunk.add(client, struct.id.clock + offset, struct.length - offset, bytes);
    }
  }
  if (chunk.size > 0) pieces.push(chunk.finish());
  const deletes = new Map<number, ClockRange[]>();
  for (const [client, items] of Y.createDeleteSetFromStructStore(store).clients) deletes.set(client, items);
  const deletion = deletionUpdate(deletes);
  if (deletion) pieces.push(deletion);
  return pieces;
}

/** A range of one client's clocks. */
export interface ClockRange {
  readonly clock: number;
  readonly len: number;
}

/** An update that only deletes the given ranges of each client's clocks (v1), or null for none. */
export function deletionUpdate(deletes: ReadonlyMap<number, readonly ClockRange[]>): Uint8Array | null {
  const clients = [...deletes].filter(([, ranges]) => ranges.length > 0);
  if (clients.length === 0) return null;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // no structs
  encoding.writeVarUint(encoder, clients.length);
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const { clock, len } of ranges) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  return encoding.toUint8Array(encoder);
}

function encodeStruct(struct: Y.Item | Y.GC): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  struct.write(encoder, 0);
  return encoder.toUint8Array();
}

/** The delete set of an update as an update of its own, or null when nothing is deleted. */
export function deleteSetOnly(update: Uint8Array): Uint8Array | null {
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

/** How many clocks some ranges cover. */
export const totalLength = (ranges: readonly ClockRange[]) => ranges.reduce((sum, range) => sum + range.len, 0);

/** The parts of a range inside any of some ranges. */
export function intersect(range: ClockRange, within: readonly ClockRange[]): ClockRange[] {
  const parts: ClockRange[] = [];
  for (const other of within) {
    const start = Math.max(range.clock, other.clock);
    const end = Math.min(range.clock + range.len, other.clock + other.len);
    if (end > start) parts.push({ clock: start, len: end - start });
  }
  return merge(parts);
}

/** Ranges less some others. */
export function subtract(ranges: readonly ClockRange[], taken: readonly ClockRange[]): ClockRange[] {
  let left = [...ranges];
  for (const cut of taken) {
    left = left.flatMap((range) => {
      const end = range.clock + range.len;
      const cutEnd = cut.clock + cut.len;
      if (cutEnd <= range.clock || cut.clock >= end) return [range];
      return [
        ...(cut.clock > range.clock ? [{ clock: range.clock, len: cut.clock - range.clock }] : []),
        ...(cutEnd < end ? [{ clock: cutEnd, len: end - cutEnd }] : []),
      ];
    });
  }
  return left;
}

/** Sorted, overlapping or touching ranges joined. */
function merge(ranges: ClockRange[]): ClockRange[] {
  const sorted = [...ranges].sort((a, b) => a.clock - b.clock);
  const out: ClockRange[] = [];
  for (const range of sorted) {
    const last = out.at(-1);
    if (last && range.clock <= last.clock + last.len) {
      out[out.length - 1] = { clock: last.clock, len: Math.max(last.len, range.clock + range.len - last.clock) };
    } else out.push(range);
  }
  return out;
}
