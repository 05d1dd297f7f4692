// The WebSocket class the server's connections are made of (ws's `WebSocket` option): it hands a
// connection's events straight to the hub instead of through listeners of its own.
// NOTE: by design, for memory: four listeners put a dictionary of ~250 bytes on every connection's
// `_events`, and finding the connection of a socket took a WeakMap entry more (bench/signaling.ts).

import { WebSocket } from 'ws';

/** What the hub does with a connection's events; one object for every connection. */
export interface SocketEvents<C> {
  message(client: C, data: Buffer, isBinary: boolean): void;
  pong(client: C): void;
  error(client: C, err: Error & { code?: string }): void;
  close(client: C, code: number): void;
}

export class HubSocket<C = unknown> extends WebSocket {
  #client: C | undefined;
  #events: SocketEvents<C> | undefined;

  /** From now on this socket's events go to `events` for `client`. */
  bind(client: C, events: SocketEvents<C>): void {
    this.#client = client;
    this.#events = events;
  }

  // ws reports a connection's events through emit; anyone else's listeners (a close timer) still run
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const client = this.#client;
    const events = this.#events;
    if (client !== undefined && events !== undefined) {
      switch (event) {
        case 'message':
          // binaryType 'nodebuffer': always one Buffer
          events.message(client, args[0] as Buffer, args[1] as boolean);
          return true;
        case 'pong':
          events.pong(client);
          return true;
        case 'error':
          events.error(client, args[0] as Error & { code?: string });
          break;
        case 'close':
          events.close(client, args[0] as number);
          break;
      }
    }
    // an 'error' nobody else listens to must not throw: ws closes the socket itself
    if (event === 'error' && this.listenerCount('error') === 0) return true;
    return super.emit(event, ...args);
  }
}
