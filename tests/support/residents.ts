/**
 * Several residents' devices in memory, each its own AppState on one clock, meeting as peers do:
 * the conversation and stock state tests drive them as the app's dialogs do.
 */
import * as Y from 'yjs';
import { expect } from 'vitest';
import { AppState } from '../../src/lib/state/app.svelte.ts';
import type { SquareMessages } from '../../src/lib/state/messages.svelte.ts';
import { REFRESH_MS } from '../../src/lib/state/refresh-throttle.ts';
import type { SquareSession } from '../../src/lib/state/square.svelte.ts';
import type { SquareStock } from '../../src/lib/state/stock.svelte.ts';
import { T0 } from '../unit/fixtures.ts';
import { inMemoryServices, TestDeviceStorage, type TestAppServices } from './app-services.ts';
import { FakeClock } from './fake-clock.ts';

export interface Resident {
  readonly services: TestAppServices;
  readonly app: AppState;
  readonly session: SquareSession;
  readonly messages: SquareMessages;
  readonly stock: SquareStock;
}

/** A resident's device opening the square its storage last had open; joins under `name` if given. */
export async function resident(clock: FakeClock, device: TestDeviceStorage, name?: string): Promise<Resident> {
  const services = inMemoryServices(clock, device);
  const app = new AppState(services);
  await app.followLocation();
  const session = app.session!;
  if (name && !session.info.joined) expect(await session.join(name)).toEqual({ ok: true });
  return { services, app, session, messages: await session.conversations(), stock: await session.openStock() };
}

/** Lets the board, the sealing and the receipts run to the end. */
export async function settle(...residents: Resident[]): Promise<void> {
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    for (const r of residents) {
      r.services.clock.advance(REFRESH_MS);
      await r.messages.refresh();
    }
  }
}

/** The document a resident's device follows now. */
export const docOf = (r: Resident): Y.Doc => r.services.opened.at(-1)!.doc as Y.Doc;

/** Every resident's document takes in every other's, as peers meeting would. */
export async function sync(...residents: Resident[]): Promise<void> {
  const docs = residents.map(docOf);
  for (const from of docs)
    for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from), 'peer');
  await settle(...residents);
}

/** Ah Ming founds "Tai Hang Court" on device A, then A (Ah Ming), B (Siu Ling) and C (Chan Tai) meet. */
export async function threeResidents(): Promise<{
  clock: FakeClock;
  a: Resident;
  b: Resident;
  c: Resident;
  deviceA: TestDeviceStorage;
}> {
  const clock = new FakeClock(T0);
  const deviceA = new TestDeviceStorage();
  const founding = new AppState(inMemoryServices(clock, deviceA));
  expect(await founding.createSquare('Tai Hang Court', 'Ah Ming')).toEqual({ ok: true });
  await founding.session!.close();
  const a = await resident(clock, deviceA);
  const b = await resident(clock, deviceA.anotherResident(), 'Siu Ling');
  const c = await resident(clock, deviceA.anotherResident(), 'Chan Tai');
  return { clock, a, b, c, deviceA };
}
