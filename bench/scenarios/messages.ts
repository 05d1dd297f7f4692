// Scenario `messages` (issue 11): what a sealed message costs. In Node, sealing a 200-character
// line to its two readers (recipient and sender) and opening it, with each key type; between two
// browser contexts over WebRTC, the time from B pressing "Send" to A's "Messages, N unread"
// (measured from Node, so it includes two Playwright round trips of a millisecond or so).

import { generateSealingKeys, openBox, seal, type SealAlgorithm } from '../../src/lib/crypto/seal.ts';
import { createSquare, joinSquare, postList, publishPost, waitForPeers } from '../../tests/support/page-driver.ts';
import { openPeer, type Peer } from '../support/peer.ts';
import { log, ms, printTable, round, sleep, summarize, type Summary } from '../support/report.ts';
import type { BenchContext, Scenario } from './scenario.ts';

const LINE = 'I have children’s paracetamol, unopened, expiry 2027. Block 3 lobby at 7 pm? '.padEnd(200, '.');
const SEALS = 300;

interface CryptoCost {
  readonly algorithm: SealAlgorithm;
  /** Per message, in µs. */
  readonly sealUs: number;
  readonly openUs: number;
}

interface MessagesResult {
  readonly crypto: CryptoCost[];
  /** B presses Send → A's Messages button counts it, in ms. */
  readonly sendToUnread: Summary;
  readonly samples: number[];
}

async function cryptoCost(algorithm: SealAlgorithm): Promise<CryptoCost> {
  const [sender, recipient] = await Promise.all([generateSealingKeys(algorithm), generateSealingKeys(algorithm)]);
  const readers = [recipient.publicKey, sender.publicKey];
  const boxes = [];
  const sealStart = performance.now();
  for (let i = 0; i < SEALS; i++) boxes.push(await seal(LINE, readers, `post|${i}`));
  const sealMs = performance.now() - sealStart;
  const openStart = performance.now();
  for (const [i, box] of boxes.entries()) {
    if ((await openBox(box, recipient, `post|${i}`)) !== LINE) throw new Error('a box did not open');
  }
  const openMs = performance.now() - openStart;
  return { algorithm, sealUs: round((sealMs / SEALS) * 1000, 0), openUs: round((openMs / SEALS) * 1000, 0) };
}

async function sendToUnread({ browser, serverUrl, options }: BenchContext): Promise<number[]> {
  const peers: Peer[] = [];
  try {
    const a = await openPeer(browser, serverUrl, 'A');
    peers.push(a);
    const link = await createSquare(a.page, 'Bench Court', 'Bench A');
    await publishPost(a.page, { type: 'Need', item: 'Thermometer', quantity: 1, note: 'bench: a fever in Block 3' });
    const b = await openPeer(browser, serverUrl, 'B');
    peers.push(b);
    await joinSquare(b.page, link, 'Bench B');
    await Promise.all([waitForPeers(a.page, 1), waitForPeers(b.page, 1)]);
    const post = postList(b.page).getByRole('listitem').filter({ hasText: 'bench: a fever' });
    await post.getByRole('button', { name: 'Message', exact: true }).click({ timeout: 30_000 });
    const dialog = b.page.getByRole('dialog', { name: 'Messages' });
    const box = dialog.getByRole('textbox', { name: 'Your message' });
    const send = dialog.getByRole('button', { name: 'Send' });
    const count = Math.max(3, Math.min(options.posts, 30));
    const samples: number[] = [];
    for (let i = 1; i <= count; i++) {
      await box.fill(`${i}: ${LINE}`);
      const start = Date.now();
      await send.click();
      await a.page.getByRole('button', { name: `Messages, ${i} unread` }).waitFor({ timeout: 30_000 });
      samples.push(Date.now() - start);
      if (i % 10 === 0) log(`messages: ${i}/${count} counted in A`);
      await sleep(options.gapMs);
    }
    return samples;
  } finally {
    await Promise.all(peers.map((p) => p.context.close().catch(() => undefined)));
  }
}

async function measure(ctx: BenchContext): Promise<MessagesResult> {
  log('messages: sealing and opening in Node');
  const crypto: CryptoCost[] = [];
  for (const algorithm of ['x25519', 'p256'] as const) crypto.push(await cryptoCost(algorithm));
  log('messages: B sends, A counts');
  const samples = await sendToUnread(ctx);
  return { crypto, sendToUnread: summarize(samples), samples };
}

function printMessages(r: MessagesResult): void {
  printTable(
    `Sealing a ${LINE.length}-character line to two readers (${SEALS} each, Node WebCrypto)`,
    ['keys', 'seal / message', 'open / message'],
    r.crypto.map((c) => [c.algorithm, `${c.sealUs} µs`, `${c.openUs} µs`]),
  );
  const s = r.sendToUnread;
  printTable(
    'B presses Send → A shows it unread (two contexts over WebRTC)',
    ['p50', 'p95', 'max', 'min', 'n'],
    [[ms(s.p50), ms(s.p95), ms(s.max), ms(s.min), String(s.n)]],
  );
}

export const messagesScenario: Scenario = {
  name: 'messages',
  key: 'messages',
  summary: 'seal/open cost per message, and Send → unread count between two peers',
  run: async (ctx) => {
    const result = await measure(ctx);
    return { json: result, print: () => printMessages(result) };
  },
};
