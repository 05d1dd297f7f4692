import { RtcPeerChannel, type PeerChannel } from './peer-channel.ts';

/**
 * Stream id of the data channel the document exchange runs on. Both ends create it
 * (`negotiated: true`), so it needs no renegotiation; simple-peer's own channel takes 0 or 1.
 */
export const EXCHANGE_CHANNEL_ID = 100;

/** The parts of y-webrtc's WebrtcConn this module relies on. */
export interface WebrtcConnLike {
  readonly connected: boolean;
  destroy(): void;
  readonly peer: {
    once(event: 'connect', listener: () => void): void;
    // NOTE: simple-peer's RTCPeerConnection is private API; the exchange opens a second data
    // channel on it rather than sharing simple-peer's, whose messages y-webrtc alone reads.
    readonly _pc: RTCPeerConnection;
  };
}

/**
 * Opens the exchange's data channel on a y-webrtc connection once the connection is up, and
 * hands it to `open` once the channel is open too; nothing if by then `current()` says the
 * connection was replaced.
 */
export function openExchangeChannel(
  conn: WebrtcConnLike,
  current: () => boolean,
  open: (channel: PeerChannel) => void,
): void {
  const attach = () => {
    if (!current()) return;
    const channel = conn.peer._pc.createDataChannel('kaifong-exchange', {
      negotiated: true,
      id: EXCHANGE_CHANNEL_ID,
      ordered: true,
    });
    const opened = () => open(new RtcPeerChannel(channel));
    // NOTE: a negotiated channel made once the connection is up may be open at once, with no
    // 'open' event to follow (node-webrtc, which a Node client of the square runs on, does this).
    if (channel.readyState === 'open') opened();
    else channel.addEventListener('open', opened, { once: true });
  };
  if (conn.connected) attach();
  else conn.peer.once('connect', attach);
}
