/**
 * A founder's square in memory, driven as the app's views drive it: the session of a device
 * that just created a square, records arriving from peers, and settling the state after each step.
 */
import { expect } from 'vitest';
import { RECORDS_KEY } from '../../src/lib/board/schema.ts';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { AppState } from '../../src/lib/state/app.svelte.ts';
import { REFRESH_MS } from '../../src/lib/state/refresh-throttle.ts';
import type { SquareSession } from '../../src/lib/state/square.svelte.ts';
import { T0 } from '../unit/fixtures.ts';
import { inMemoryServices, type TestAppServices } from './app-services.ts';
import { FakeClock } from './fake-clock.ts';

/** Lets a few turns of the event loop pass: verification and folding run off the caller's turn. */
export async function turns(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Lets the square take in what happened, then shows it (the state refreshes at most every REFRESH_MS). */
export async function settle(services: TestAppServices): Promise<void> {
  await turns();
  services.clock.advance(REFRESH_MS);
}

/** Ah Ming creates the square "Tai Hang Court" at T0, living in `building`. */
export async function founderSession(
  building = 'Block 3',
): Promise<{ services: TestAppServices; session: SquareSession }> {
  const services = inMemoryServices(new FakeClock(T0));
  const app = new AppState(services);
  expect(await app.createSquare('Tai Hang Court', 'Ah Ming', building)).toEqual({ ok: true });
  return { services, session: app.session! };
}

/** Records arrive from a peer into the first square the device opened, and settle. */
export async function arrive(services: TestAppServices, ...records: AnyRecord[]): Promise<void> {
  const map = services.opened[0]!.doc.getMap(RECORDS_KEY);
  map.doc!.transact(() => records.forEach((r) => map.set(r.id, storedForm(r))), 'peer');
  await settle(services);
}
