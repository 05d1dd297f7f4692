import * as Y from 'yjs';
import type { Invite } from './lib/domain/invite.ts';
import type { SquareNetwork } from './lib/state/services.ts';
import { IdbDocPersistence, type DocLoadMode, type DocPersistence } from './lib/storage/doc-persistence.ts';
import type { SyncConfig } from './lib/sync/config.ts';
import type { DocKeeper, EpochOffer } from './lib/sync/doc-exchange.ts';
import { WebrtcTransport, type ExchangeMode } from './lib/sync/webrtc-transport.ts';

/**
 * A square's document, its IndexedDB copy and its WebRTC network: the part of the composition
 * root that needs yjs, loaded (services.ts) after the square's list painted from the vault. Each
 * epoch's document is a Y.Doc of its own, kept in IndexedDB under a name of its own
 * (storage/doc-persistence.ts); moving to a later one keeps the WebRTC connections and deletes
 * the document left behind.
 */
export function squareNetwork(
  invite: Invite,
  keeper: DocKeeper,
  config: SyncConfig,
  exchangeMode: ExchangeMode,
  docLoad: DocLoadMode,
  epoch: EpochOffer | null,
): SquareNetwork {
  return new BrowserSquareNetwork(invite, keeper, config, exchangeMode, docLoad, epoch);
}

class BrowserSquareNetwork implements SquareNetwork {
  doc = new Y.Doc();
  persistence: DocPersistence;
  readonly transport: WebrtcTransport;
  readonly #invite: Invite;
  readonly #docLoad: DocLoadMode;
  #next: { readonly doc: Y.Doc; readonly persistence: DocPersistence } | null = null;

  constructor(
    invite: Invite,
    keeper: DocKeeper,
    config: SyncConfig,
    mode: ExchangeMode,
    docLoad: DocLoadMode,
    epoch: EpochOffer | null,
  ) {
    this.#invite = invite;
    this.#docLoad = docLoad;
    this.persistence = new IdbDocPersistence(invite.room, this.doc, { docLoad, epoch: epoch?.epoch ?? 0 });
    this.transport = new WebrtcTransport(this.doc, invite, config, { mode, keeper, epoch });
  }

  get epoch(): number {
    return this.transport.exchangeEpoch;
  }

  async fresh(epoch: number): Promise<Y.Doc> {
    const doc = new Y.Doc();
    const persistence = new IdbDocPersistence(this.#invite.room, doc, { docLoad: this.#docLoad, epoch });
    await persistence.load();
    this.#next = { doc, persistence };
    return doc;
  }

  async use(doc: Y.Doc, offer: EpochOffer): Promise<void> {
    const next = this.#next;
    if (next?.doc !== doc) throw new Error('a fresh document is made before it is used');
    this.transport.moveTo(doc, offer);
    const old = this.persistence;
    this.doc = doc;
    this.persistence = next.persistence;
    this.#next = null;
    await old.erase();
  }

  received(): Promise<void> {
    return this.transport.received;
  }
}
