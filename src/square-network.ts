import * as Y from 'yjs';
import type { Invite } from './lib/domain/invite.ts';
import type { SquareNetwork } from './lib/state/services.ts';
import { IdbDocPersistence, type DocLoadMode } from './lib/storage/doc-persistence.ts';
import type { SyncConfig } from './lib/sync/config.ts';
import type { DocKeeper } from './lib/sync/doc-exchange.ts';
import { WebrtcTransport, type ExchangeMode } from './lib/sync/webrtc-transport.ts';

/**
 * A square's document, its IndexedDB copy and its WebRTC network: the part of the composition
 * root that needs yjs, loaded (services.ts) after the square's list painted from the vault.
 */
export function squareNetwork(
  invite: Invite,
  keeper: DocKeeper,
  config: SyncConfig,
  exchangeMode: ExchangeMode,
  docLoad: DocLoadMode,
): SquareNetwork {
  const doc = new Y.Doc();
  return {
    doc,
    transport: new WebrtcTransport(doc, invite, config, { mode: exchangeMode, keeper }),
    persistence: new IdbDocPersistence(invite.room, doc, { docLoad }),
  };
}
