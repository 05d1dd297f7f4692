// Liveness: a WebSocket ping to every connection once per heartbeat interval, whoever did not answer
// the previous one is gone. The interval is cut into HEARTBEAT_SLICES ticks, each pinging its own
// slice of the connections, so 10,000 pings do not all leave in one event-loop turn.

import type { WebSocket } from 'ws';
import { HEARTBEAT_SLICES } from './limits.ts';
import type { Logger } from './log.ts';

/** What the heartbeat reads and writes of a connection. */
export interface Live {
  readonly ws: WebSocket;
  /** It answered its latest ping, or has not been pinged yet; a pong sets it. */
  alive: boolean;
  /** The slice that pings it (Heartbeat.nextSlot). */
  readonly slot: number;
}

export class Heartbeat {
  #assigned = 0;
  #tick = 0;

  constructor(
    private readonly connections: Iterable<Live>,
    private readonly log: Logger,
  ) {}

  /** The slice of a new connection: round robin, so the slices stay even. */
  nextSlot(): number {
    return this.#assigned++ % HEARTBEAT_SLICES;
  }

  /** Ping the next slice; called HEARTBEAT_SLICES times per interval. */
  tick(): void {
    const slice = this.#tick++ % HEARTBEAT_SLICES;
    for (const connection of this.connections) {
      if (connection.slot !== slice) continue;
      if (!connection.alive) {
        this.log.debug('terminating dead connection');
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }
}
