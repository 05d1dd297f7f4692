// The compound's own map, each peer in a browser of its own: the founder draws two buildings and
// a pickup point through the UI (a bad GeoJSON file is refused and changes nothing); a resident
// sees them, sets "my building", places a post in a building, sorts "Nearest" and sees distances;
// the map shows the pins (checked with MapLibre's own rendered features) and a pin opens its
// post; the map reopens offline from the service worker; no request leaves the machine; a site
// record a resident signs outside the app is ignored by every device.

import type { Page } from '@playwright/test';
import { generateIdentity } from '../../src/lib/crypto/signing.ts';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import {
  APP_TIMEOUT_MS,
  createSquare,
  joinSquare,
  postList,
  waitForPeers,
  writeStoredRecords,
  type KaifongWindow,
} from '../support/page-driver.ts';
import { sign } from '../unit/fixtures.ts';
import { expect, test } from './fixtures.ts';

type MapWindow = KaifongWindow & {
  kaifongMap?: {
    map: {
      queryRenderedFeatures(options: { layers: string[] }): { properties: Record<string, unknown> }[];
    };
    idle(): Promise<void>;
  };
};

/** Post ids of the pins MapLibre drew, once the map is idle. */
async function renderedPins(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const handle = (window as MapWindow).kaifongMap!;
    await handle.idle();
    return handle.map
      .queryRenderedFeatures({ layers: ['pins'] })
      .map((f) => String(f.properties['post']))
      .sort();
  });
}

async function openMap(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Map of the compound' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Opening the map…')).toBeHidden({ timeout: APP_TIMEOUT_MS });
  await expect(dialog.getByText('cannot start on this device')).toHaveCount(0);
}

/** Taps the map canvas at offsets from its top-left corner. */
async function tapMap(page: Page, points: readonly [number, number][]): Promise<void> {
  const canvas = page.getByRole('dialog', { name: 'Map of the compound' }).locator('canvas');
  for (const [x, y] of points) await canvas.click({ position: { x, y } });
}

async function drawBuilding(page: Page, name: string, corners: readonly [number, number][]): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Map of the compound' });
  await dialog.getByRole('button', { name: 'Draw a building' }).click();
  await tapMap(page, corners);
  await expect(dialog.getByText(`${corners.length} corners`)).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Building name' }).fill(name);
  await dialog.getByRole('button', { name: 'Finish' }).click();
  await expect(dialog.getByRole('status')).toContainText('The site is saved');
}

async function postIn(page: Page, building: string, note: string): Promise<void> {
  await page.getByRole('button', { name: 'New post' }).click();
  const form = page.getByRole('dialog');
  await form.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ label: 'Thermometer' });
  await form.getByRole('spinbutton', { name: 'Quantity', exact: true }).fill('1');
  // With a site drawn, the public place is one of its buildings, picked from a list.
  await form.getByRole('combobox', { name: 'Building', exact: true }).selectOption(building);
  await form.getByRole('textbox', { name: 'Note' }).fill(note);
  await form.getByRole('button', { name: 'Publish' }).click();
  await expect(form).toBeHidden();
}

const BOW_TIE = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'Crossed' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [114.17, 22.3],
            [114.1702, 22.3002],
            [114.1702, 22.3],
            [114.17, 22.3002],
            [114.17, 22.3],
          ],
        ],
      },
    },
  ],
});

test('the founder draws the compound; a resident places posts, sorts Nearest, and the map shows and opens them, offline too', async ({
  openPeer,
  server,
}) => {
  test.setTimeout(180_000);
  const founder = await openPeer();
  const requests: string[] = [];
  founder.on('request', (request) => requests.push(request.url()));
  const link = await createSquare(founder, 'Harbour View', 'Ah Mei');

  await openMap(founder);
  const dialog = founder.getByRole('dialog', { name: 'Map of the compound' });
  await expect(dialog.getByText('Nobody has drawn the compound yet.')).toBeVisible();
  // About 0.55 m a pixel at the opening zoom: two 20 m blocks some 110 m apart, a gate between.
  await drawBuilding(founder, 'Block 1', [
    [60, 60],
    [100, 60],
    [100, 100],
    [60, 100],
  ]);
  await drawBuilding(founder, 'Block 2', [
    [260, 60],
    [300, 60],
    [300, 100],
    [260, 100],
  ]);
  await dialog.getByRole('button', { name: 'Add a pickup point' }).click();
  await tapMap(founder, [[180, 140]]);
  await dialog.getByRole('textbox', { name: 'Pickup point name' }).fill('Main gate');
  await dialog.getByRole('button', { name: 'Finish' }).click();
  await expect(dialog.getByRole('status')).toContainText('The site is saved');

  // A bad file is refused with its reason, and the site stays as drawn.
  await dialog.getByLabel('Import GeoJSON').setInputFiles({
    name: 'crossed.geojson',
    mimeType: 'application/geo+json',
    buffer: Buffer.from(BOW_TIE),
  });
  await expect(dialog.getByRole('alert')).toHaveText(
    'Nothing was changed: A building’s outline crosses itself. Draw its corners in order around the building.',
  );
  const sites = dialog.getByRole('list').filter({ hasText: 'Block 1' });
  await expect(sites.getByRole('listitem')).toHaveText([/^Block 1/, /^Block 2/]);
  await dialog.getByRole('button', { name: 'Close the map' }).click();

  // A resident in a browser of their own sees the site, and chooses their building.
  const resident = await openPeer();
  resident.on('request', (request) => requests.push(request.url()));
  await joinSquare(resident, link, 'Mr Chan');
  await waitForPeers(resident, 1);
  const myBuilding = resident.getByRole('combobox', { name: 'My building' });
  await expect(myBuilding.getByRole('option')).toHaveText(['Choose a building', 'Block 1', 'Block 2'], {
    timeout: APP_TIMEOUT_MS,
  });
  await myBuilding.selectOption('Block 1');
  await resident.getByRole('button', { name: 'Save my building' }).click();
  await expect(resident.getByText('Distances from Block 1')).toBeVisible();

  // Posts in the two blocks, newest last: "Nearest" puts the one in my block first.
  await postIn(resident, 'Block 1', 'near need');
  await postIn(founder, 'Block 2', 'far need');
  const far = postList(resident).getByRole('listitem').filter({ hasText: 'far need' });
  await expect(far).toBeVisible({ timeout: APP_TIMEOUT_MS });
  await expect(far).toContainText(/1[0-2]0 m away/);
  const near = postList(resident).getByRole('listitem').filter({ hasText: 'near need' });
  await expect(near).toContainText('10 m away');
  const notes = postList(resident).locator('.note');
  await expect(notes).toHaveText(['far need', 'near need']);
  await resident.getByRole('combobox', { name: 'Sort' }).selectOption({ label: 'Nearest' });
  await expect(notes).toHaveText(['near need', 'far need']);
  await resident.getByRole('combobox', { name: 'Within' }).selectOption({ label: '100 m' });
  await expect(notes).toHaveText(['near need']);
  await resident.getByRole('combobox', { name: 'Within' }).selectOption({ label: 'Any distance' });

  // The Map: both pins drawn by MapLibre, and a building's marker opens its post.
  const farId = (await far.getAttribute('aria-labelledby'))!.replace(/^post-/, '');
  const nearId = (await near.getAttribute('aria-labelledby'))!.replace(/^post-/, '');
  await far.getByRole('button', { name: 'Show on map' }).click();
  await openMapReady(resident);
  await expect.poll(() => renderedPins(resident), { timeout: APP_TIMEOUT_MS }).toEqual([farId, nearId].sort());
  const map = resident.getByRole('dialog', { name: 'Map of the compound' });
  await expect(map.getByRole('heading', { name: 'Posts in Block 2' })).toBeVisible();
  await expect(map.getByRole('button', { name: 'Block 1: 1 post' })).toBeVisible();
  await map.getByRole('button', { name: 'Block 1: 1 post' }).click();
  const card = map.getByRole('listitem').filter({ hasText: 'near need' });
  await expect(card).toBeVisible();
  await map.getByRole('button', { name: 'Show in list' }).click();
  await expect(map).toBeHidden();
  // A resident does not get the drawing tools.
  await openMap(resident);
  await expect(map.getByRole('heading', { name: 'Draw the compound' })).toHaveCount(0);
  await map.getByRole('button', { name: 'Close the map' }).click();

  // Offline: the server gone, the page reloaded from the service worker, the map opens with its pins.
  await resident.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await server.stop();
  await founder.context().close();
  await resident.context().setOffline(true);
  const response = await resident.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(postList(resident)).toContainText('far need', { timeout: APP_TIMEOUT_MS });
  await openMap(resident);
  await expect.poll(() => renderedPins(resident), { timeout: APP_TIMEOUT_MS }).toEqual([farId, nearId].sort());

  // Nothing was asked of any other machine: no tiles, glyphs, sprites or fonts.
  const elsewhere = requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    return !['blob:', 'data:'].includes(protocol) && hostname !== '127.0.0.1' && hostname !== 'localhost';
  });
  expect(elsewhere).toEqual([]);
});

async function openMapReady(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Map of the compound' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Opening the map…')).toBeHidden({ timeout: APP_TIMEOUT_MS });
}

test('a site a resident signs outside the app is ignored by every device', async ({ openPeer }) => {
  const founder = await openPeer();
  const link = await createSquare(founder, 'Harbour View', 'Ah Mei');
  await openMap(founder);
  await drawBuilding(founder, 'Block 1', [
    [60, 60],
    [100, 60],
    [100, 100],
  ]);
  await founder.getByRole('button', { name: 'Close the map' }).click();
  const resident = await openPeer();
  await joinSquare(resident, link, 'Mr Chan');
  await waitForPeers(resident, 1);
  await expect(resident.getByRole('combobox', { name: 'My building' })).toBeVisible({ timeout: APP_TIMEOUT_MS });

  const forger = await generateIdentity();
  const forged = await sign(
    forger,
    'site',
    {
      buildings: [
        {
          name: 'Fake tower',
          ring: [
            [114.17, 22.3],
            [114.1702, 22.3],
            [114.1702, 22.3002],
          ],
        },
      ],
      points: [],
    },
    Date.now(),
  );
  await writeStoredRecords(resident, [[forged.id, storedForm(forged)]]);
  for (const page of [founder, resident]) {
    await expect
      .poll(() => page.evaluate(() => (window as KaifongWindow).kaifong!.board.invalidCount), {
        timeout: APP_TIMEOUT_MS,
      })
      .toBeGreaterThan(0);
    await expect(page.getByRole('combobox', { name: 'My building' }).getByRole('option')).toHaveText([
      'Choose a building',
      'Block 1',
    ]);
  }
});
