// Preload for the reference server in bench/signaling.ts: y-webrtc's bin/server.js calls
// `server.listen(port)`, which binds every interface. Pin it to loopback so the bench exposes nothing.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  const portOnly = typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port));
  if (portOnly && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
