import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { splitUpdate } from '../../src/lib/sync/update-chunks.ts';
import { missingPieces } from '../../src/lib/yjs/update-parts.ts';

type Op =
  | { kind: 'set'; client: number; key: number; size: number }
  | { kind: 'delete'; client: number; key: number }
  | { kind: 'sync' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('set' as const), client: fc.nat(3), key: fc.nat(40), size: fc.nat(300) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), client: fc.nat(3), key: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
);

/** Four docs editing one map, with occasional full syncs, like peers writing records. */
function buildDoc(ops: readonly Op[]): Y.Doc {
  const docs = [0, 1, 2, 3].map((i) => {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    return doc;
  });
  const syncAll = () => {
    const merged = Y.mergeUpdates(docs.map((d) => Y.encodeStateAsUpdate(d)));
    for (const d of docs) Y.applyUpdate(d, merged);
  };
  for (const op of ops) {
    if (op.kind === 'sync') syncAll();
    else if (op.kind === 'set')
      docs[op.client]!.getMap('records').set(`k${op.key}`, { body: 'x'.repeat(op.size), n: op.key });
    else docs[op.client]!.getMap('records').delete(`k${op.key}`);
  }
  syncAll();
  return docs[0]!;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let s = seed >>> 0 || 1;
  for (let i = copy.length - 1; i > 0; i--) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const j = s % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('splitUpdate', () => {
  it('pieces applied in any order rebuild the same document, each within the size bound', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.nat(),
        (ops, maxBytes, seed) => {
          const source = buildDoc(ops);
          const update = Y.encodeStateAsUpdate(source);
          const pieces = splitUpdate(update, maxBytes);
          const target = new Y.Doc();
          for (const piece of shuffled(pieces, seed)) Y.applyUpdate(target, piece);
          expect(target.getMap('records').toJSON()).toEqual(source.getMap('records').toJSON());
          expect(Y.encodeStateVector(target)).toEqual(Y.encodeStateVector(source));
          // A single struct larger than the bound travels alone; otherwise pieces respect it.
          for (const piece of pieces) {
            if (piece.length > maxBytes) expect(Y.decodeUpdate(piece).structs.length).toBe(1);
          }
        },
      ),
      { seed: 20221207, numRuns: 60 },
    );
  });

  it('a transfer cut halfway resumes from the receiver state vector without resending what arrived', () => {
    const source = new Y.Doc();
    const records = source.getMap('records');
    for (let i = 0; i < 2000; i++) records.set(`r${i}`, { note: `post ${i}`, padding: 'p'.repeat(100) });
    const pieces = splitUpdate(Y.encodeStateAsUpdate(source), 16 * 1024);
    expect(pieces.length).toBeGreaterThan(10);

    const target = new Y.Doc();
    const half = Math.floor(pieces.length / 2);
    for (const piece of pieces.slice(0, half)) Y.applyUpdate(target, piece);
    const received = target.getMap('records').size;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(2000);

    const rest = Y.encodeStateAsUpdate(source, Y.encodeStateVector(target));
    const restPieces = splitUpdate(rest, 16 * 1024);
    for (const piece of restPieces) Y.applyUpdate(target, piece);
    expect(target.getMap('records').size).toBe(2000);
    const restRecords = restPieces.reduce((n, p) => n + Y.decodeUpdate(p).structs.length, 0);
    expect(restRecords).toBe(2000 - received);
  });

  it('carries deletions', () => {
    const source = new Y.Doc();
    const map = source.getMap('records');
    for (let i = 0; i < 50; i++) map.set(`r${i}`, i);
    for (let i = 0; i < 50; i += 2) map.delete(`r${i}`);
    const target = new Y.Doc();
    for (const piece of splitUpdate(Y.encodeStateAsUpdate(source), 200)) Y.applyUpdate(target, piece);
    expect(target.getMap('records').size).toBe(25);
    expect(target.getMap('records').has('r0')).toBe(false);
  });
});

describe('missingPieces', () => {
  it('gives what a state vector lacks as the whole encoded update does, in any order, each within the bound', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.array(opArb, { maxLength: 60 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.nat(),
        (before, after, maxBytes, seed) => {
          // The receiver has what the source had after `before`; the source went on with `after`.
          const source = buildDoc([...before, { kind: 'sync' }, ...after]);
          const receiver = new Y.Doc();
          Y.applyUpdate(receiver, Y.encodeStateAsUpdate(buildDoc(before)));
          const expected = new Y.Doc();
          Y.applyUpdate(expected, Y.encodeStateAsUpdate(receiver));
          Y.applyUpdate(expected, Y.encodeStateAsUpdate(source, Y.encodeStateVector(receiver)));

          const pieces = missingPieces(source, Y.encodeStateVector(receiver), maxBytes)!;
          for (const piece of shuffled(pieces, seed)) Y.applyUpdate(receiver, piece);
          expect(receiver.getMap('records').toJSON()).toEqual(source.getMap('records').toJSON());
          expect(Y.encodeStateVector(receiver)).toEqual(Y.encodeStateVector(expected));
          expect(Y.encodeStateAsUpdate(receiver)).toEqual(Y.encodeStateAsUpdate(expected));
          for (const piece of pieces) {
            if (piece.length > maxBytes) expect(Y.decodeUpdate(piece).structs.length).toBeLessThanOrEqual(1);
          }
        },
      ),
      { seed: 20261202, numRuns: 60 },
    );
  });

  it('sends nothing to a receiver that has everything but the delete set, and defers to Yjs while structs are pending', () => {
    const source = buildDoc([{ kind: 'set', client: 0, key: 1, size: 10 }]);
    const all = missingPieces(source, Y.encodeStateVector(source), 1024)!;
    expect(all.every((piece) => Y.decodeUpdate(piece).structs.length === 0)).toBe(true);
    const late = new Y.Doc();
    const other = new Y.Doc();
    other.getMap('records').set('a', 1);
    const first = Y.encodeStateAsUpdate(other);
    other.getMap('records').set('b', 2);
    Y.applyUpdate(late, Y.encodeStateAsUpdate(other, Y.encodeStateVectorFromUpdate(first)));
    expect(late.store.pendingStructs).not.toBeNull();
    expect(missingPieces(late, new Uint8Array([0]), 1024)).toBeNull();
  });
});
