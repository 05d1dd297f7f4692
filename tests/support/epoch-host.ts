/**
 * Epochs over an in-memory network: each device's EpochHost makes a fresh Y.Doc per epoch (with
 * a seeded client id) and moves its DocExchange to it, as square-network.ts does with
 * y-indexeddb and WebRTC in the app.
 */
import * as Y from 'yjs';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import { EpochFollower, type EpochHost } from '../../src/lib/state/epoch-follower.ts';
import type { DocExchange, EpochOffer } from '../../src/lib/sync/doc-exchange.ts';
import type { Board } from '../../src/lib/board/board.ts';

/** One device's documents, one per epoch it has been on. */
export class ExchangeEpochHost implements EpochHost {
  doc: Y.Doc;
  readonly #exchange: DocExchange;
  readonly #clientId: (epoch: number) => number;

  constructor(doc: Y.Doc, exchange: DocExchange, clientId: (epoch: number) => number) {
    this.doc = doc;
    this.#exchange = exchange;
    this.#clientId = clientId;
  }

  get epoch(): number {
    return this.#exchange.epoch;
  }

  /** The shared map of records of the document in use. */
  get records(): Y.Map<unknown> {
    return this.doc.getMap(RECORDS_KEY);
  }

  async fresh(epoch: number): Promise<Y.Doc> {
    const doc = new Y.Doc();
    doc.clientID = this.#clientId(epoch);
    return doc;
  }

  async use(doc: Y.Doc, offer: EpochOffer): Promise<void> {
    this.#exchange.moveTo(doc, offer);
    this.doc = doc;
  }

  received(): Promise<void> {
    return this.#exchange.received;
  }
}

/** A device's host and follower: `offered` is what its exchange's `onEpoch` calls. */
export function followEpochs(
  board: Board,
  doc: Y.Doc,
  exchange: DocExchange,
  clientId: (epoch: number) => number,
): { host: ExchangeEpochHost; follower: EpochFollower } {
  const host = new ExchangeEpochHost(doc, exchange, clientId);
  const follower = new EpochFollower(board, host);
  return { host, follower };
}
