// A verification worker (crypto/verify-pool.ts): checks records' signatures off the page's thread.
import { serveVerification, type VerifyEndpoint } from './verify-pool.ts';

serveVerification(self as unknown as VerifyEndpoint);
