/**
 * A year of a square, and what an epoch does to its size (issue 15).
 *
 *   npx tsx bench/epoch-size.ts [--days 365] [--per-day 300]
 *
 * The shared map as the board writes it (records as JSON text under their ids, records-map.ts),
 * written by many devices (a Yjs client each): every day `per-day` posts with an update or two,
 * profiles now and then, a little junk that boards remove, and retention dropping every post
 * closed for 30 days with its records (what Board.prune deletes). Every 30 days, and at the end,
 * it prints the document's size beside its live records' size; then the founder's epoch: a fresh
 * document seeded from the live records in one write (Board.moveTo), and a newcomer's copy of
 * it. Writes bench/results/epoch-size.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as Y from 'yjs';
import { RECORDS_KEY } from '../src/lib/board/schema.ts';
import { Rng } from '../tests/support/random.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const DAYS = option('days', 365);
const PER_DAY = option('per-day', 300);
/** Devices that write: each a Yjs client of its own. */
const WRITERS = 2000;
const RETENTION_DAYS = 30;
/** Junk entries a modified client writes a day, removed by the first board that sees them. */
const JUNK_PER_DAY = 20;

const rng = new Rng(20260115);
let serial = 0;
const id = () => `${(serial++).toString(36)}${'x'.repeat(43)}`.slice(0, 43);

function record(kind: string, author: number, body: object): string {
  return JSON.stringify({
    v: 1,
    kind,
    author: `ed25519:${String(author).padStart(43, 'A')}`,
    at: `${String(Date.now()).padStart(16, '0')}-0000`,
    body,
    sig: 'S'.repeat(86),
  });
}

const doc = new Y.Doc();
const map = doc.getMap<string>(RECORDS_KEY);
/** Live posts with their records, by the day they close. */
const closing = new Map<number, string[][]>();
const sizes: { day: number; documentKiB: number; liveKiB: number; ratio: number }[] = [];

function write(writer: number, fn: () => void): void {
  // NOTE: each device writes as a Yjs client of its own, as devices do.
  doc.clientID = 1 + writer;
  doc.transact(fn);
}

function liveBytes(target: Y.Map<string>): number {
  let bytes = 0;
  for (const [key, value] of target) bytes += key.length + value.length;
  return bytes;
}

function measure(day: number): void {
  const document = Y.encodeStateAsUpdate(doc).length;
  const live = liveBytes(map);
  sizes.push({ day, documentKiB: kib(document), liveKiB: kib(live), ratio: Math.round((document / live) * 10) / 10 });
}

const kib = (bytes: number) => Math.round(bytes / 102.4) / 10;

for (let day = 1; day <= DAYS; day++) {
  for (let i = 0; i < PER_DAY; i++) {
    const author = rng.int(WRITERS);
    const post = id();
    const records = [post];
    const note = 'Need paracetamol syrup for a 4-year-old with fever, Block 3, 12/F. '.slice(0, 20 + rng.int(50));
    write(author, () =>
      map.set(post, record('post', author, { type: 'need', items: [{ item: 'paracetamol-500', qty: 2 }], note })),
    );
    for (let u = rng.int(3); u > 0; u--) {
      const update = id();
      records.push(update);
      write(author, () => map.set(update, record('update', author, { post, action: 'progress' })));
    }
    // Closed within a week, then kept for the retention period.
    const closes = day + rng.int(7) + RETENTION_DAYS;
    closing.set(closes, [...(closing.get(closes) ?? []), records]);
  }
  for (let i = 0; i < 5; i++) {
    const author = rng.int(WRITERS);
    write(author, () => map.set(id(), record('profile', author, { name: `neighbour ${author}` })));
  }
  for (let i = 0; i < JUNK_PER_DAY; i++) {
    const key = `junk-${id()}`;
    write(WRITERS, () => map.set(key, 'x'.repeat(200)));
    write(rng.int(WRITERS), () => map.delete(key));
  }
  const due = closing.get(day) ?? [];
  closing.delete(day);
  if (due.length > 0) write(rng.int(WRITERS), () => due.flat().forEach((key) => map.delete(key)));
  if (day % 30 === 0 || day === DAYS) measure(day);
}

const before = Y.encodeStateAsUpdate(doc).length;
const live = liveBytes(map);
// The epoch: the founder's device seeds a fresh document with the live records in one write.
const fresh = new Y.Doc();
fresh.clientID = 1;
const freshMap = fresh.getMap<string>(RECORDS_KEY);
fresh.transact(() => map.forEach((value, key) => freshMap.set(key, value)));
const after = Y.encodeStateAsUpdate(fresh).length;
// A newcomer's copy of it is what it downloads.
const newcomer = new Y.Doc();
Y.applyUpdate(newcomer, Y.encodeStateAsUpdate(fresh));

const result = {
  days: DAYS,
  postsPerDay: PER_DAY,
  writers: WRITERS,
  retentionDays: RETENTION_DAYS,
  liveRecords: map.size,
  liveKiB: kib(live),
  beforeEpochKiB: kib(before),
  afterEpochKiB: kib(after),
  newcomerKiB: kib(Y.encodeStateAsUpdate(newcomer).length),
  ratioBefore: Math.round((before / live) * 10) / 10,
  ratioAfter: Math.round((after / live) * 100) / 100,
  monthly: sizes,
};
console.log('| day | document (KiB) | live records (KiB) | document / live |');
console.log('|---|---|---|---|');
for (const s of sizes) console.log(`| ${s.day} | ${s.documentKiB} | ${s.liveKiB} | ${s.ratio} |`);
console.log(
  `\nAfter ${DAYS} days of ${PER_DAY} posts a day: ${result.liveRecords} live records, ${result.liveKiB} KiB; ` +
    `document ${result.beforeEpochKiB} KiB (${result.ratioBefore}×) before the epoch, ${result.afterEpochKiB} KiB (${result.ratioAfter}×) after; a newcomer downloads ${result.newcomerKiB} KiB.`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/epoch-size.json', JSON.stringify(result, null, 2) + '\n');
