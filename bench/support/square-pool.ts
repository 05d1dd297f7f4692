// Squares seeded for the app benchmark's scenarios, shared between them (see SquarePool).

import type { Browser } from '@playwright/test';
import { createSquare, roomOf } from '../../tests/support/page-driver.ts';
import { openPeer, type Peer } from './peer.ts';
import { log } from './report.ts';
import { describeMix, mixKey, seedRecords, type RecordMix, type SeedTiming } from './seed.ts';
import { storageUsage } from './storage.ts';

/** A square founded in the UI by a peer of its own and seeded through its board. */
export interface SeededSquare {
  readonly key: string;
  readonly mix: RecordMix;
  readonly peer: Peer;
  readonly link: string;
  readonly room: string;
  readonly seed: SeedTiming;
  /** navigator.storage.estimate() usage right after seeding. */
  readonly storageBytes: number | null;
  /** True when an earlier scenario seeded it (its timings are from then). */
  readonly reused: boolean;
}

/**
 * Seeds squares for scenarios, and keeps one for a later scenario when asked to. Seeding is
 * slow at scale (IndexedDB takes minutes to commit 50,000 separate y-indexeddb writes), so a
 * board size that two scenarios need is seeded once: the first scenario releases it, the next
 * one takes it, reloads it and closes it.
 */
export class SquarePool {
  readonly #kept = new Map<string, SeededSquare>();

  constructor(
    private readonly browser: Browser,
    private readonly serverUrl: string,
    private readonly chunk: number,
    /** Keys (mixKey) that more than one scenario of this run seeds. */
    private readonly shared: ReadonlySet<string>,
  ) {}

  async take(mix: RecordMix, label: string): Promise<SeededSquare> {
    const key = mixKey(mix);
    const kept = this.#kept.get(key);
    if (kept) {
      this.#kept.delete(key);
      log(`${label}: reusing the square seeded earlier with ${describeMix(mix)}`);
      return kept;
    }
    const peer = await openPeer(this.browser, this.serverUrl, label);
    try {
      const link = await createSquare(peer.page, `Bench ${key}`, 'Bench seeder');
      const room = roomOf(link);
      log(`${label}: seeding ${describeMix(mix)} through the board (batches of ~${this.chunk} records)`);
      const seed = await seedRecords(peer.page, room, mix, this.chunk, label);
      const storageBytes = await storageUsage(peer.page);
      return { key, mix, peer, link, room, seed, storageBytes, reused: false };
    } catch (error) {
      await peer.context.close().catch(() => undefined);
      throw error;
    }
  }

  /** Done with a square: kept for the next scenario that seeds the same, or closed. */
  async release(square: SeededSquare): Promise<void> {
    if (!square.reused && this.shared.has(square.key) && !this.#kept.has(square.key) && !square.peer.page.isClosed()) {
      this.#kept.set(square.key, { ...square, reused: true });
      return;
    }
    await square.peer.context.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const squares = [...this.#kept.values()];
    this.#kept.clear();
    await Promise.all(squares.map((s) => s.peer.context.close().catch(() => undefined)));
  }
}
