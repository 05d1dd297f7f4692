// A hostile member's client of its own, in a Node process: it holds the invite link, joins the
// square over real WebRTC (@roamhq/wrtc) with the app's own transport (signed signals, the
// chunked exchange), and writes whatever its parent sends into the shared document. Its exchange
// judges nothing and its document has no board: nothing it writes is checked on its side.
// Usage: fork with execArgv ['--import', 'tsx'] and args <signalingUrl> <inviteLink>.
// Parent → child: { write: [key, value][] } | { status: true } | { stop: true }.
// Child → parent: { written: number } | { status: HostileStatus } | { error: string }.

import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import { parseInvite } from '../../src/lib/domain/invite.ts';
import { WebrtcTransport } from '../../src/lib/sync/webrtc-transport.ts';

/** What the client reports of itself. */
export interface HostileStatus {
  /** WebRTC connections up. */
  readonly peers: number;
  /** Entries in its copy of the shared map. */
  readonly entries: number;
}

// lib0/websocket and simple-peer look for the browser's globals: give them Node's.
Object.assign(globalThis, {
  WebSocket,
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
});

const [signaling, link] = process.argv.slice(2);
const invite = link ? parseInvite(link) : null;
if (!signaling || !invite || !process.send) throw new Error('usage: fork hostile-client-process.ts <url> <invite>');
const send = (message: unknown): void => {
  process.send?.(message);
};

const doc = new Y.Doc();
const records = doc.getMap<unknown>(RECORDS_KEY);
const transport = new WebrtcTransport(doc, invite, { signaling: [signaling], iceServers: [] });
transport.connect();

process.on('message', (message: { write?: [string, unknown][]; status?: boolean; stop?: boolean }) => {
  try {
    if (message.write) {
      const entries = message.write;
      doc.transact(() => entries.forEach(([key, value]) => records.set(key, value)));
      send({ written: entries.length });
    }
    if (message.status) send({ status: { peers: transport.status.peers, entries: records.size } });
    if (message.stop) {
      void transport.destroy().then(() => setTimeout(() => process.exit(0), 100));
    }
  } catch (error) {
    send({ error: String(error) });
  }
});
