/**
 * The one test-device rig: a Board on its own Y.Doc and in-memory vault, with its own identity
 * and clock, recording every change it announces. Unit tests, the peer network and the fuzzers
 * all build devices here, so a change to how a board opens is made once.
 */
import * as Y from 'yjs';
import { Board, type BoardChange } from '../../src/lib/board/board.ts';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import type { SignatureVerifier } from '../../src/lib/crypto/signature-verifier.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { clockReading } from './fake-clock.ts';

export interface TestDevice {
  readonly doc: Y.Doc;
  /** The shared map of records, for tests that tamper with it directly. */
  readonly records: Y.Map<unknown>;
  readonly store: InMemoryVaultStore;
  readonly identity: Identity;
  readonly board: Board;
  /** Every change the board announced, in order. */
  readonly changes: BoardChange[];
}

export interface TestDeviceOptions {
  readonly identity: Identity;
  readonly founder: AuthorKey;
  /** The device's wall clock, in ms. */
  readonly now: () => number;
  readonly store?: InMemoryVaultStore;
  readonly doc?: Y.Doc;
  /** Checks signatures (default: in process). */
  readonly signatures?: SignatureVerifier;
  /** Attach the board to its document at once (default true). */
  readonly attach?: boolean;
}

/** Opens a board the way the app does: vault first, then the document. */
export async function openTestDevice(options: TestDeviceOptions): Promise<TestDevice> {
  const doc = options.doc ?? new Y.Doc();
  const store = options.store ?? new InMemoryVaultStore();
  const board = await Board.open({
    doc,
    store,
    founder: options.founder,
    identity: options.identity,
    clock: clockReading(options.now),
    ...(options.signatures ? { signatures: options.signatures } : {}),
  });
  const changes: BoardChange[] = [];
  board.subscribe((change) => changes.push(change));
  if (options.attach ?? true) await board.attach();
  return { doc, records: doc.getMap(RECORDS_KEY), store, identity: options.identity, board, changes };
}

/** Writes records straight into the shared map, as a remote peer's update would, and waits. */
export async function receive(device: TestDevice, ...records: AnyRecord[]): Promise<void> {
  device.doc.transact(() => {
    for (const record of records) device.records.set(record.id, storedForm(record));
  }, 'remote');
  await device.board.whenIdle();
}
