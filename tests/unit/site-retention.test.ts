/**
 * Issue 14: a site record its author replaced leaves the live square on every device (the fold
 * keeps each author's latest only), so a year of redrawing does not pile up; what counts, and
 * the fallback when a volunteer's role is revoked, stay as with every record kept.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { roundCoordinate, type SiteBody } from '../../src/lib/domain/kinds/site.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { openTestDevice, receive } from '../support/device.ts';
import { PeerNetwork } from '../support/peers.ts';
import { HOUR, identity, sign, T0 } from './fixtures.ts';

const LNG = 114.17;
const LAT = 22.3;
/** A site of one building named `name`. */
const site = (name: string): SiteBody => ({
  buildings: [
    {
      name,
      ring: [
        [LNG, LAT],
        [LNG + 0.0002, LAT],
        [LNG + 0.0002, LAT + 0.0002],
      ].map(([x, y]) => [roundCoordinate(x!), roundCoordinate(y!)] as const),
    },
  ],
  points: [],
});
const names = (fold: { site(): SiteBody | undefined }) => fold.site()?.buildings.map((b) => b.name);

let founder: Identity;
let volunteer: Identity;
let resident: Identity;
beforeAll(async () => {
  [founder, volunteer, resident] = await Promise.all([identity(71), identity(72), identity(73)]);
});

describe('replaced site records, in the fold', () => {
  it('keeps each author’s latest site and drops the rest, whatever order they arrive in', async () => {
    const records = [
      await sign(founder, 'site', site('F1'), T0),
      await sign(founder, 'role', { action: 'grant-volunteer', member: volunteer.author }, T0 + 1),
      await sign(founder, 'site', site('F2'), T0 + HOUR),
      await sign(volunteer, 'site', site('V1'), T0 + 2 * HOUR),
      await sign(volunteer, 'site', site('V2'), T0 + 3 * HOUR),
      await sign(volunteer, 'site', site('V3'), T0 + 4 * HOUR),
      await sign(resident, 'site', site('R1'), T0 + 5 * HOUR),
      await sign(resident, 'site', site('R2'), T0 + 6 * HOUR),
    ];
    const siteOf = (r: AnyRecord) => (r.kind === 'site' ? r.body.buildings[0]!.name : '');
    const expectedDropped = records.filter((r) => ['F1', 'V1', 'V2', 'R1'].includes(siteOf(r))).map((r) => r.id);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(records, { minLength: records.length }), async (order) => {
        const fold = new BoardFold(founder.author);
        const dropped = new Set<string>();
        for (const record of order) for (const id of fold.add([record]).dropped) dropped.add(id);
        expect(names(fold)).toEqual(['V3']);
        expect([...dropped].sort()).toEqual([...expectedDropped].sort());
        // The resident's latest site is kept (and refused), the others are gone.
        expect(fold.rejectedCount).toBe(1);
      }),
    );
  });

  it('still falls back to the founder’s latest site when the volunteer’s role is revoked', async () => {
    const fold = new BoardFold(founder.author);
    fold.add([
      await sign(founder, 'site', site('F1'), T0),
      await sign(founder, 'site', site('F2'), T0 + HOUR),
      await sign(founder, 'role', { action: 'grant-volunteer', member: volunteer.author }, T0 + HOUR + 1),
      await sign(volunteer, 'site', site('V1'), T0 + 2 * HOUR),
      await sign(volunteer, 'site', site('V2'), T0 + 3 * HOUR),
    ]);
    expect(names(fold)).toEqual(['V2']);
    fold.add([await sign(founder, 'role', { action: 'revoke-volunteer', member: volunteer.author }, T0 + 4 * HOUR)]);
    expect(names(fold)).toEqual(['F2']);
  });

  it('drops an older site sent again after it was replaced', async () => {
    const old = await sign(founder, 'site', site('F1'), T0);
    const fold = new BoardFold(founder.author);
    fold.add([old, await sign(founder, 'site', site('F2'), T0 + HOUR)]);
    expect([...fold.add([old]).dropped]).toEqual([old.id]);
    expect(names(fold)).toEqual(['F2']);
  });
});

describe('replaced site records, on every device', () => {
  it('leave the shared document and every vault once redrawn', async () => {
    const net = await PeerNetwork.create(3, { seed: 14 });
    const [drawer] = net.peers;
    const saved: string[] = [];
    for (const name of ['Block 1', 'Block 1 and 2', 'Block 1, 2 and 3']) {
      const outcome = await drawer!.board.commands.saveSite(site(name));
      if (!outcome.ok) throw new Error(outcome.reason);
      saved.push(outcome.id);
      await net.settle();
    }
    for (const peer of net.peers) {
      expect(names(peer.board.view), `peer ${peer.index}`).toEqual(['Block 1, 2 and 3']);
      const sites = [...peer.records.keys()].filter((id) => saved.includes(id));
      expect(sites, `peer ${peer.index}: document`).toEqual([saved[2]]);
      expect(
        saved.filter((id) => peer.store.verified.has(id as never)),
        `peer ${peer.index}: vault`,
      ).toEqual([saved[2]]);
    }
  });

  it('a device that kept an old site sends it to one that has the new: it goes again on both', async () => {
    const first = await sign(founder, 'site', site('F1'), T0);
    const second = await sign(founder, 'site', site('F2'), T0 + HOUR);
    const now = () => T0 + 2 * HOUR;
    const stale = await openTestDevice({ identity: resident, founder: founder.author, now });
    await receive(stale, first);
    const current = await openTestDevice({ identity: volunteer, founder: founder.author, now });
    await receive(current, second);
    // The stale device's document reaches the current one, and the other way round.
    await receive(current, first);
    await receive(stale, second);
    for (const device of [stale, current]) {
      expect(names(device.board.view)).toEqual(['F2']);
      expect(device.records.has(first.id)).toBe(false);
      expect(device.store.verified.has(first.id)).toBe(false);
    }
  });

  it('a vault written before replaced sites were dropped lets them go when it opens', async () => {
    const first = await sign(founder, 'site', site('F1'), T0);
    const second = await sign(founder, 'site', site('F2'), T0 + HOUR);
    const store = new InMemoryVaultStore();
    await store.putVerified([first, second]);
    const device = await openTestDevice({
      identity: resident,
      founder: founder.author,
      now: () => T0 + 2 * HOUR,
      store,
    });
    await device.board.whenIdle();
    expect(names(device.board.view)).toEqual(['F2']);
    expect(store.verified.has(first.id)).toBe(false);
    expect(store.verified.has(second.id)).toBe(true);
  });
});
