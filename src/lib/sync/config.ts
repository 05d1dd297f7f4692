import * as v from 'valibot';
import type { Invite } from '../domain/invite.ts';

/** Runtime configuration served by the signalling server at /config.json. */
export interface SyncConfig {
  readonly signaling: readonly string[];
  readonly iceServers: readonly RTCIceServer[];
}

const ConfigSchema = v.object({
  signaling: v.array(v.pipe(v.string(), v.regex(/^wss?:\/\//))),
  iceServers: v.array(
    v.object({
      urls: v.union([v.string(), v.array(v.string())]),
      username: v.optional(v.string()),
      credential: v.optional(v.string()),
    }),
  ),
});

/**
 * Every signalling server a square's room is announced on: the app's own (config.json) and the
 * square's extra ones from its link and settings, each once. y-webrtc joins the room on all of
 * them and introduces peers through whichever answers.
 */
export function signalingFor(config: SyncConfig, invite: Invite): string[] {
  return [...new Set([...config.signaling, ...(invite.signaling ?? [])])];
}

const CACHE_KEY = 'kaifong.config';
export const CONFIG_TIMEOUT_MS = 3000;

/** The signalling endpoint on the origin that served the app. */
export function defaultConfig(location: Location): SyncConfig {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { signaling: [`${scheme}//${location.host}/signal`], iceServers: [] };
}

/**
 * Fetches /config.json; offline, falls back to the last one fetched, then to the default.
 * Never rejects: a square must open during an outage.
 */
export async function loadConfig(location: Location, storage: Storage): Promise<SyncConfig> {
  try {
    const response = await fetch('/config.json', {
      cache: 'no-store',
      signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS),
    });
    const parsed = v.safeParse(ConfigSchema, await response.json());
    if (parsed.success) {
      storage.setItem(CACHE_KEY, JSON.stringify(parsed.output));
      return parsed.output;
    }
  } catch {
    // Offline or no server: fall through to the cached copy.
  }
  try {
    const parsed = v.safeParse(ConfigSchema, JSON.parse(storage.getItem(CACHE_KEY) ?? 'null'));
    if (parsed.success) return parsed.output;
  } catch {
    // A corrupt cache is as good as none.
  }
  return defaultConfig(location);
}
