// WebrtcTransport over several signalling servers, with y-webrtc's provider replaced by a fake
// that has the parts the transport and its signal guard use: the signalling connections (their
// `send`, `emit` and `connected`), the room (`peerId`, `webrtcConns`), the room key and events.
import type { WebrtcProvider } from 'y-webrtc';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { AuthorKey, RoomId } from '../../src/lib/domain/ids.ts';
import type { Invite } from '../../src/lib/domain/invite.ts';
import { REANNOUNCE_MS } from '../../src/lib/sync/signal-guard.ts';
import { openSignal } from '../../src/lib/sync/signal-envelope.ts';
import { STATUS_POLL_MS, WebrtcTransport } from '../../src/lib/sync/webrtc-transport.ts';

const APP_SERVER = 'ws://127.0.0.1:8080/signal';
const EXTRA_SERVER = 'wss://signal.example.org/signal';
const invite: Invite = {
  room: 'R'.repeat(22) as RoomId,
  secret: 'S'.repeat(22),
  founder: `ed25519:${'F'.repeat(43)}` as AuthorKey,
  signaling: [EXTRA_SERVER],
};

class FakeSignalingConn {
  connected = false;
  readonly sent: { type: string; topic?: string; data?: unknown }[] = [];
  constructor(readonly url: string) {}
  send(message: { type: string; topic?: string; data?: unknown }): void {
    if (this.connected) this.sent.push(message);
  }
  emit(): void {}
}

interface FakeConn {
  connected: boolean;
  destroy(): void;
}

class FakeProvider {
  static last: FakeProvider | null = null;
  readonly signalingConns: FakeSignalingConn[];
  readonly room = { peerId: 'local-yjs-peer', webrtcConns: new Map<string, FakeConn>() };
  readonly key: Promise<CryptoKey> = crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, [
    'encrypt',
    'decrypt',
  ]);
  destroyed = false;

  constructor(
    readonly roomName: string,
    _doc: Y.Doc,
    readonly options: { signaling: string[] },
  ) {
    this.signalingConns = options.signaling.map((url) => new FakeSignalingConn(url));
    FakeProvider.last = this;
  }

  on(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

function server(provider: FakeProvider, url: string): FakeSignalingConn {
  const conn = provider.signalingConns.find((c) => c.url === url);
  if (!conn) throw new Error(`no connection to ${url}`);
  return conn;
}

/** The announces of `peerId` among what a server was sent, opened with the room key. */
async function announcesOn(conn: FakeSignalingConn, provider: FakeProvider, peerId: string): Promise<number> {
  const key = await provider.key;
  let count = 0;
  for (const frame of conn.sent) {
    if (frame.type !== 'publish' || frame.topic !== invite.room) continue;
    const opened = await openSignal(frame.data, key, invite.room, () => true);
    if (opened?.payload.type === 'announce' && opened.payload.from === peerId && opened.payload.to === undefined)
      count++;
  }
  return count;
}

async function connected(): Promise<{ transport: WebrtcTransport; provider: FakeProvider }> {
  const transport = new WebrtcTransport(
    new Y.Doc(),
    invite,
    { signaling: [APP_SERVER], iceServers: [] },
    { loadProvider: async () => FakeProvider as unknown as typeof WebrtcProvider },
  );
  transport.connect();
  await vi.waitFor(() => expect(FakeProvider.last).not.toBeNull());
  return { transport, provider: FakeProvider.last! };
}

describe('a square on several signalling servers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    FakeProvider.last = null;
  });
  afterEach(() => vi.useRealTimers());

  it("joins its room on the app's server and on every server its link lists, each once", async () => {
    const { transport, provider } = await connected();
    expect(provider.options.signaling).toEqual([APP_SERVER, EXTRA_SERVER]);
    await transport.destroy();
    expect(provider.destroyed).toBe(true);
  });

  it('counts as reachable while any one server answers, and says how many do', async () => {
    const { transport, provider } = await connected();
    server(provider, EXTRA_SERVER).connected = true;
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    expect(transport.status).toMatchObject({ signalling: 'connected', serversUp: 1, serversTotal: 2 });
    server(provider, APP_SERVER).connected = true;
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    expect(transport.status).toMatchObject({ signalling: 'connected', serversUp: 2, serversTotal: 2 });
    server(provider, APP_SERVER).connected = false;
    server(provider, EXTRA_SERVER).connected = false;
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    expect(transport.status).toMatchObject({ signalling: 'unreachable', serversUp: 0 });
    await transport.destroy();
  });

  it('announces itself again on every server that answers while it has no neighbour, and stops once one is up', async () => {
    const { transport, provider } = await connected();
    const me = await transport.signalGuard!.peerId();
    const app = server(provider, APP_SERVER);
    const extra = server(provider, EXTRA_SERVER);
    extra.connected = true; // the app's own server is down
    await vi.advanceTimersByTimeAsync(REANNOUNCE_MS * 3);
    await vi.waitFor(async () => expect(await announcesOn(extra, provider, me)).toBeGreaterThanOrEqual(2));
    expect(app.sent).toHaveLength(0);

    // The app's server comes back: announces go there too.
    app.connected = true;
    await vi.advanceTimersByTimeAsync(REANNOUNCE_MS * 2);
    await vi.waitFor(async () => expect(await announcesOn(app, provider, me)).toBeGreaterThanOrEqual(1));

    // A neighbour is connected: nothing more is announced.
    const neighbour = { connected: true, destroy: () => undefined };
    provider.room.webrtcConns.set('neighbour', neighbour);
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    const sentWhileMet = extra.sent.length + app.sent.length;
    await vi.advanceTimersByTimeAsync(REANNOUNCE_MS * 3);
    expect(extra.sent.length + app.sent.length).toBe(sentWhileMet);
    expect(transport.status.peers).toBe(1);

    // The neighbour drops (and rejoins under a new id): the room is announced again at once,
    // not left at 0 neighbours until some other peer happens to announce.
    neighbour.connected = false;
    provider.room.webrtcConns.delete('neighbour');
    const before = await announcesOn(extra, provider, me);
    await vi.advanceTimersByTimeAsync(REANNOUNCE_MS);
    await vi.waitFor(async () => expect(await announcesOn(extra, provider, me)).toBeGreaterThan(before));
    expect(transport.status.peers).toBe(0);
    await transport.destroy();
  });
});
