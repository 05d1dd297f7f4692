/** A verification worker in a test: `serveVerification` behind a real MessageChannel. */
import {
  serveVerification,
  type VerifyEndpoint,
  type VerifyPort,
  type VerifyRequest,
} from '../../src/lib/crypto/verify-pool.ts';

/**
 * A worker stand-in: `serveVerification` at the far end of a real MessageChannel, so requests and
 * answers go through structured cloning as they do to a Web Worker. `seen` collects the requests it was sent.
 */
export function channelWorker(seen: VerifyRequest[] = []): VerifyPort {
  const { port1, port2 } = new MessageChannel();
  const endpoint: VerifyEndpoint = {
    postMessage: (message) => port2.postMessage(message),
    addEventListener: (_type, listener) =>
      port2.addEventListener('message', (event) => {
        seen.push(event.data as VerifyRequest);
        listener(event as MessageEvent<VerifyRequest>);
      }),
  };
  serveVerification(endpoint);
  port2.start();
  port1.start();
  return {
    postMessage: (message) => port1.postMessage(message),
    addEventListener: (type: string, listener: (event: never) => void) =>
      port1.addEventListener(type, listener as unknown as EventListener),
    terminate: () => {
      port1.close();
      port2.close();
    },
  };
}
