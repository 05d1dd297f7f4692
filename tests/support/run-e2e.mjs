#!/usr/bin/env node
// Runs the browser suites: finds (or installs) Chromium, builds the app, and runs Playwright
// inside a loopback-only network namespace when it can, so WebRTC between headless browsers
// connects over 127.0.0.1 and nothing leaves the machine (see ../shared/TESTING.md).
// Usage: node tests/support/run-e2e.mjs [--bench | --lighthouse] [playwright or bench args…];
// --help skips the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { ensureTools } from './ensure-tools.mjs';

const args = process.argv.slice(2);
const SCRIPTS = { '--bench': 'bench/app.ts', '--lighthouse': 'bench/lighthouse.ts' };
const script = SCRIPTS[args[0]];
const rest = script ? args.slice(1) : args;
const command = script ? ['npx', 'tsx', script, ...rest] : ['npx', 'playwright', 'test', ...rest];

// Help needs neither a browser nor a build.
if (rest.includes('--help') || rest.includes('-h')) {
  const help = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
  process.exit(help.status ?? 1);
}

const chromium = ensureTools();
if (chromium) process.env.KAIFONG_CHROMIUM = chromium;

console.log('[e2e] building the app…');
execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

function canIsolate() {
  if (process.env.KAIFONG_NO_NETNS) return false;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
  return probe.status === 0;
}

let result;
if (canIsolate()) {
  console.log('[e2e] running in a loopback-only network namespace');
  result = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...command], {
    stdio: 'inherit',
    env: { ...process.env, KAIFONG_NETNS: '1' },
  });
} else {
  console.log('[e2e] network namespaces unavailable: running on the host network');
  result = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
}
process.exit(result.status ?? 1);
