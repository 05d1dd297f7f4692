/**
 * Devices whose document exchanges judge what peers send with their boards, as the app wires
 * them, and a hostile peer whose exchange judges nothing: the rig of the update-judge tests.
 */
import * as Y from 'yjs';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { DocExchange } from '../../src/lib/sync/doc-exchange.ts';
import { createInMemoryChannelPair } from '../../src/lib/sync/peer-channel.ts';
import { openTestDevice, type TestDevice } from './device.ts';
import { ManualScheduler } from './manual-scheduler.ts';

export interface JudgedNode {
  readonly device: TestDevice;
  readonly exchange: DocExchange;
}

export interface HostileNode {
  readonly doc: Y.Doc;
  readonly records: Y.Map<unknown>;
  readonly exchange: DocExchange;
}

export class JudgedExchanges {
  readonly scheduler = new ManualScheduler();
  readonly #exchanges: DocExchange[] = [];

  constructor(
    private readonly founder: AuthorKey,
    private readonly now: () => number,
  ) {}

  /** A device whose exchange judges what peers send with its board. */
  async honest(who: Identity): Promise<JudgedNode> {
    const device = await openTestDevice({ identity: who, founder: this.founder, now: this.now });
    const exchange = new DocExchange(device.doc, {
      countPosts: () => device.board.view.postCount,
      judge: device.board,
      scheduler: this.scheduler,
    });
    this.#exchanges.push(exchange);
    return { device, exchange };
  }

  /** The attacker: a document of its own and an exchange that judges nothing. */
  hostile(): HostileNode {
    const doc = new Y.Doc();
    const exchange = new DocExchange(doc, { countPosts: () => 0, scheduler: this.scheduler });
    this.#exchanges.push(exchange);
    return { doc, records: doc.getMap(RECORDS_KEY), exchange };
  }

  /** Connects two exchanges over an in-memory channel pair. */
  link(a: DocExchange, aName: string, b: DocExchange, bName: string) {
    const [ca, cb] = createInMemoryChannelPair();
    a.addPeer(bName, ca);
    b.addPeer(aName, cb);
    return { ca, cb };
  }

  destroy(): void {
    for (const exchange of this.#exchanges.splice(0)) exchange.destroy();
  }
}

/** Waits, a millisecond at a time, until the condition holds; fails after three seconds. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}
