// A verification worker (crypto/verify-pool.ts): checks entries off the page's thread.
import { serveVerification, type VerifyEndpoint } from './verify-pool.ts';

// NOTE: every kind's schema comes with the checks (kinds/parse.ts), late kinds' too.
serveVerification(self as unknown as VerifyEndpoint);
