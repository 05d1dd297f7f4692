#!/usr/bin/env node
// Finds, or installs, the programs the test suites run for real: Chromium for the browser
// tests and redis-server for the multi-instance signalling tests. On Debian as root they come
// from apt; elsewhere Chromium comes from Playwright and redis-server must be installed by hand.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const REDIS = ['/usr/bin/redis-server'];

const found = (paths) => paths.find((p) => existsSync(p));
const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');

/** Installs Debian packages for whichever tools are missing; returns the Chromium path, if any. */
export function ensureTools() {
  const missing = [];
  if (!process.env.KAIFONG_CHROMIUM && !found(CHROMIUM)) missing.push('chromium');
  if (!found(REDIS)) missing.push('redis-server');
  if (missing.length > 0 && canApt) {
    console.log(`[tools] installing ${missing.join(', ')} with apt-get…`);
    execFileSync(
      'sh',
      ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`],
      { stdio: 'inherit' },
    );
  }
  const chromium = process.env.KAIFONG_CHROMIUM || found(CHROMIUM);
  if (!chromium) {
    console.log("[tools] no system Chromium: installing Playwright's own (npx playwright install chromium)…");
    execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  }
  if (!found(REDIS)) console.warn('[tools] redis-server not found: install it (e.g. apt-get install redis-server).');
  return chromium;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureTools();
