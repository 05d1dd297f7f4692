// A verification worker (crypto/verify-pool.ts): checks entries off the page's thread.
import { lateKinds } from '../domain/late-kinds.ts';
import { extendKinds } from '../domain/kinds/registry.ts';
import { serveVerification, type VerifyEndpoint } from './verify-pool.ts';

// Every kind's schema is read here from the start: the page judges none before it has them all.
extendKinds(lateKinds.specs);
serveVerification(self as unknown as VerifyEndpoint);
