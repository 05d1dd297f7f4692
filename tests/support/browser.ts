import { chromium, type Browser, type BrowserContext } from '@playwright/test';

/** Chromium flags for WebRTC between headless contexts on loopback (see shared/TESTING.md). */
export const CHROMIUM_ARGS = [
  '--allow-loopback-in-peer-connection',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's Chromium (KAIFONG_CHROMIUM, set by run-e2e.mjs) or Playwright's own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KAIFONG_CHROMIUM || undefined,
    args: CHROMIUM_ARGS,
  });
}

/** Launches Chromium as launchChromium does, with a profile directory, so what the app stores can be measured on disk. */
export function launchPersistentChromium(profile: string, locale = 'en-GB'): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.KAIFONG_CHROMIUM || undefined,
    args: CHROMIUM_ARGS,
    locale,
  });
}

/**
 * A peer: its own context, so its own IndexedDB and no BroadcastChannel shortcut to others.
 * Camera and microphone permissions make headless Chromium expose host ICE candidates.
 */
export function newPeerContext(browser: Browser, locale = 'en-GB', phone = false): Promise<BrowserContext> {
  return browser.newContext({ permissions: ['camera', 'microphone'], locale, ...(phone ? PHONE : {}) });
}

/** A phone as residents hold one: 390 × 844, touch, mobile viewport. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;
