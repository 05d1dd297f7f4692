// A stock y-webrtc peer in its own process (y-webrtc allows one provider per room per process, and
// in-process peers would meet over BroadcastChannel instead of the signalling server).
// Usage: fork with execArgv ['--import', 'tsx'] and args <signalingUrl> <room> <password>.
// Parent → child messages: { set: [key, value] } | { status: true } | { stop: true }.
// Child → parent: { state: Record<string, unknown> } | { status: { webrtcConnected, bcConns } }.

import wrtc from '@roamhq/wrtc';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { WebSocket } from 'ws';

// lib0/websocket uses the global WebSocket, which Node 20 does not have
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

const [url, room, password] = process.argv.slice(2);
if (!url || !room || !password || !process.send) throw new Error('usage: fork yjs-peer.ts <url> <room> <password>');
const send = (message: unknown): void => {
  process.send?.(message);
};

const doc = new Y.Doc();
const map = doc.getMap<unknown>('m');
const provider = new WebrtcProvider(room, doc, {
  signaling: [url],
  password,
  peerOpts: { wrtc, config: { iceServers: [] } },
});
map.observe(() => send({ state: map.toJSON() }));

interface RoomView {
  webrtcConns: Map<string, { connected: boolean }>;
  bcConns: Set<string>;
}

process.on('message', (message: { set?: [string, unknown]; status?: boolean; stop?: boolean }) => {
  if (message.set) map.set(message.set[0], message.set[1]);
  if (message.status) {
    const r = provider.room as unknown as RoomView | null;
    send({
      status: {
        webrtcConnected: r ? [...r.webrtcConns.values()].filter((c) => c.connected).length : 0,
        bcConns: r ? r.bcConns.size : 0,
      },
    });
  }
  if (message.stop) {
    provider.destroy();
    doc.destroy();
    // give simple-peer a moment to close its data channels, then leave
    setTimeout(() => process.exit(0), 100);
  }
});
send({ ready: true });
