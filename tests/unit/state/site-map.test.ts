/**
 * The compound's site and the Map view's state (SquareSite, SquareMap) without a DOM, driven as
 * the map's editor and the map's events do: drawing, editing a corner or a point, moving,
 * deleting with Undo, who may change the site, where "near me" is, and the pins.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../src/lib/crypto/signing.ts';
import { distanceM, STEP_DEG, type LngLat } from '../../../src/lib/domain/geo.ts';
import { roundCoordinate } from '../../../src/lib/domain/kinds/site.ts';
import { SquareSite } from '../../../src/lib/state/site.svelte.ts';
import type { TestAppServices } from '../../support/app-services.ts';
import { openTestDevice } from '../../support/device.ts';
import { founderSession, settle as settleSession, turns } from '../../support/founder-session.ts';
import { identity, postBody, T0 } from '../fixtures.ts';

const LNG = 114.17;
const LAT = 22.3;
/** A block of about 20 m a side, its corners as a site record keeps them. */
const SQUARE: LngLat[] = (
  [
    [LNG, LAT],
    [LNG + 0.0002, LAT],
    [LNG + 0.0002, LAT + 0.0002],
    [LNG, LAT + 0.0002],
  ] as const
).map(([x, y]) => [roundCoordinate(x), roundCoordinate(y)]);
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Settles, with a few more turns after the refresh, as this suite has always waited. */
async function settle(services: TestAppServices): Promise<void> {
  await settleSession(services);
  await turns();
}

let resident: Identity;
let founder: Identity;
beforeAll(async () => {
  [resident, founder] = await Promise.all([identity(81), identity(82)]);
});

describe('SquareSite', () => {
  it('the founder draws, edits one corner, moves a point, deletes and undoes; each change is the site every device folds', async () => {
    const { services, session } = await founderSession('Block 1');
    const site = session.site;
    expect(site.canEdit).toBe(true);
    expect(site.hasSite).toBe(false);
    expect(await site.addBuilding('Block 1', SQUARE)).toEqual({ ok: true });
    expect(
      await site.addBuilding(
        'Block 2',
        SQUARE.map(([x, y]) => [x + 0.001, y] as LngLat),
      ),
    ).toEqual({ ok: true });
    expect(await site.addPoint('Main gate', [LNG + 0.0005, LAT - 0.0003])).toEqual({ ok: true });
    await settle(services);
    expect(site.site.buildings.map((b) => b.name)).toEqual(['Block 1', 'Block 2']);
    // My profile names Block 1: distances are measured from its centre.
    expect(site.myBuilding).toBe('Block 1');
    expect(site.origin).toEqual(site.centres.get('block 1'));

    // One corner, to a position with more digits than a record keeps: rounded, the rest untouched.
    expect(await site.moveCorner('Block 1', 2, [LNG + 0.000312345678, LAT + 0.0003])).toEqual({ ok: true });
    await settle(services);
    const ring = site.site.buildings[0]!.ring;
    expect(ring[2]).toEqual([114.1703123, 22.3003]);
    expect([ring[0], ring[1], ring[3]]).toEqual([SQUARE[0], SQUARE[1], SQUARE[3]]);

    expect(await site.movePoint('Main gate', [LNG + 0.0006, LAT - 0.0003])).toEqual({ ok: true });
    await settle(services);
    expect(site.site.points[0]!.at).toEqual([114.1706, 22.2997]);

    expect(await site.moveBuilding('Block 2', [0, STEP_DEG])).toEqual({ ok: true });
    await settle(services);
    expect(site.site.buildings[1]!.ring.every(([, y], i) => near(y, SQUARE[i]![1] + STEP_DEG))).toBe(true);

    // Delete the first building, then Undo: it is back first in the list, as it was.
    const before = site.site;
    expect(await site.removeBuilding('Block 1')).toEqual({ ok: true });
    await settle(services);
    expect(site.site.buildings.map((b) => b.name)).toEqual(['Block 2']);
    expect(site.removed).toMatchObject({ kind: 'building', index: 0 });
    expect(await site.undoRemove()).toEqual({ ok: true });
    await settle(services);
    expect(site.site).toEqual(before);
    expect(site.removed).toBeNull();
    expect(await site.undoRemove()).toEqual({ ok: false, reason: 'invalid' });

    expect(await site.removePoint('Main gate')).toEqual({ ok: true });
    await settle(services);
    expect(site.site.points).toEqual([]);
    site.dismissUndo();
    expect(site.removed).toBeNull();
  });

  it('refuses a corner that makes the outline cross itself, and changes nothing', async () => {
    const { services, session } = await founderSession('Block 1');
    const site = session.site;
    await site.addBuilding('Block 1', SQUARE);
    await settle(services);
    // Corner 3 across to the far side: the outline becomes a bow tie.
    expect(await site.moveCorner('Block 1', 2, [LNG - 0.0001, LAT + 0.0001])).toEqual({
      ok: false,
      reason: 'self-intersecting',
    });
    await settle(services);
    expect(site.site.buildings[0]!.ring).toEqual(SQUARE);
    expect(await site.moveCorner('Nowhere', 0, [LNG, LAT])).toEqual({ ok: false, reason: 'invalid' });
  });

  it('a resident may not change the site: the command is refused with the fold’s own rule', async () => {
    const device = await openTestDevice({ identity: resident, founder: founder.author, now: () => T0 });
    const site = new SquareSite({ me: resident.author, board: () => device.board });
    expect(site.canEdit).toBe(false);
    expect(await site.addBuilding('Block 1', SQUARE)).toEqual({ ok: false, reason: 'not-volunteer' });
    site.refresh();
    expect(site.hasSite).toBe(false);
  });

  it('measures from the device’s location, rounded to about 100 m, when no building of mine is on the map', async () => {
    const device = await openTestDevice({ identity: resident, founder: founder.author, now: () => T0 });
    const site = new SquareSite({ me: resident.author, board: () => device.board });
    expect(site.origin).toBeUndefined();
    const here: LngLat = [114.171234, 22.304567];
    site.useLocation(here);
    expect(site.location).not.toEqual(here);
    expect(site.location![1]).toBe(22.305);
    expect(distanceM(site.location!, here)).toBeLessThan(110);
    expect(site.origin).toEqual(site.location);
  });

  it('before the square has opened, says so instead of failing', async () => {
    const site = new SquareSite({ me: resident.author, board: () => null });
    expect(site.site).toEqual({ buildings: [], points: [] });
    expect(await site.addPoint('Gate', [LNG, LAT])).toEqual({ ok: false, reason: 'opening' });
  });
});

describe('SquareMap', () => {
  it('draws a building by its corners and a pickup point; the pins are the list’s posts in buildings', async () => {
    const { services, session } = await founderSession('Block 1');
    await session.openMap();
    const map = session.map!;
    expect(map.phase).toBe('loading');
    map.draw('building');
    for (const corner of SQUARE) map.tap(corner);
    map.undoCorner();
    expect(map.draft).toEqual(SQUARE.slice(0, 3));
    map.tap(SQUARE[3]!);
    expect(map.content().draft).toHaveLength(4);
    expect(await map.finishBuilding('Block 1')).toEqual({ ok: true });
    expect(map.mode).toBe('none');
    expect(map.draft).toEqual([]);
    map.draw('point');
    expect(await map.finishPoint('Gate')).toEqual({ ok: false, reason: 'required' });
    map.tap([LNG + 0.0005, LAT]);
    expect(await map.finishPoint('Gate')).toEqual({ ok: true });
    await settle(services);

    expect(await session.feed.publishPost(postBody({ where: { building: 'block 1', floor: '' } }))).toEqual({
      ok: true,
    });
    expect(await session.feed.publishPost(postBody({ where: { building: 'Elsewhere', floor: '' } }))).toEqual({
      ok: true,
    });
    await settle(services);
    expect(map.pins.map((p) => p.building)).toEqual(['Block 1']);
    expect(map.unplaced).toBe(1);
    map.showBuilding('Block 1');
    expect(map.buildingPosts.map((p) => p.id)).toEqual([map.pins[0]!.post]);
    map.selectPost(map.pins[0]!.post);
    expect(map.selectedPost?.body.where.building).toBe('block 1');
  });

  it('edits a corner: chosen on the map or in the list, moved by a tap, a drop or an arrow', async () => {
    const { services, session } = await founderSession('Block 1');
    await session.site.addBuilding('Block 1', SQUARE);
    await settle(services);
    await session.openMap();
    const map = session.map!;
    map.edit('building', 'Block 1');
    expect(map.mode).toBe('edit');
    expect(map.handles).toEqual(SQUARE);
    expect(map.content().handles).toEqual({ handles: SQUARE, chosen: 0 });

    map.chooseHandle(1);
    expect(await map.nudge('north')).toEqual({ ok: true });
    await settle(services);
    expect(near(map.handles[1]![1], SQUARE[1]![1] + STEP_DEG)).toBe(true);
    expect(map.outcome).toEqual({ ok: true });

    // A tap moves the chosen corner there; a drop moves the corner dropped, and chooses it.
    map.tap([LNG + 0.00025, LAT + 0.00025]);
    await settle(services);
    expect(map.handles[1]).toEqual([114.17025, 22.30025]);
    expect(await map.moveHandle(3, [LNG - 0.00005, LAT + 0.0002])).toEqual({ ok: true });
    await settle(services);
    expect(map.editing?.handle).toBe(3);
    expect(map.handles[3]).toEqual([114.16995, 22.3002]);
    expect(map.handles[0]).toEqual(SQUARE[0]);

    // A handle that is not there is not chosen; a refused move says why.
    map.chooseHandle(9);
    expect(map.editing?.handle).toBe(3);
    expect(await map.moveHandle(2, [LNG - 0.0001, LAT + 0.0001])).toEqual({ ok: false, reason: 'self-intersecting' });
    expect(map.outcome).toEqual({ ok: false, reason: 'self-intersecting' });

    map.draw('none');
    expect(map.editing).toBeNull();
    expect(map.content().handles).toBeNull();
  });

  it('edits a pickup point: its one handle, moved by an arrow', async () => {
    const { services, session } = await founderSession('Block 1');
    await session.site.addPoint('Gate', [LNG, LAT]);
    await settle(services);
    await session.openMap();
    const map = session.map!;
    map.edit('point', 'Gate');
    expect(map.handles).toEqual([[LNG, LAT]]);
    expect(await map.nudge('west')).toEqual({ ok: true });
    await settle(services);
    expect(near(session.site.site.points[0]!.at[0], LNG - STEP_DEG)).toBe(true);
    map.close();
    expect(map.phase).toBe('closed');
    expect(map.mode).toBe('none');
    expect(map.editing).toBeNull();
    expect(map.outcome).toBeNull();
  });

  it('says plainly when the map cannot start on this device (no WebGL here)', async () => {
    const { session } = await founderSession('Block 1');
    await session.openMap();
    const map = session.map!;
    await map.attach({} as HTMLElement, { pin: () => '', handle: () => '' });
    expect(map.phase).toBe('unavailable');
  });
});
