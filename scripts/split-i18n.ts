// Splits each language's messages into the first paint's catalogue (src/lib/i18n/<locale>.ts) and
// the one loaded after it (src/lib/i18n/later/<locale>.ts), by which keys the first load's code
// uses: the modules src/main.ts imports statically. Run it after adding messages or moving a
// component in or out of the first load: `npm run i18n:split`. It also points the components out
// of the first load at `useI18n().all` (every message) and those in it at `useI18n().t` (the first
// paint's only, so that tsc refuses a later message in the first load).
// Usage: npx tsx scripts/split-i18n.ts [--check]

import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const I18N = join(ROOT, 'src/lib/i18n');
const LOCALES = [
  { file: 'en', name: 'en', later: 'enLater' },
  { file: 'zh-hant', name: 'zhHant', later: 'zhHantLater' },
  { file: 'zh-hans', name: 'zhHans', later: 'zhHansLater' },
] as const;

/** The modules the entry imports statically, transitively (what the first load carries). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    let code = readFileSync(file, 'utf8');
    if (file.endsWith('.svelte'))
      code = [...code.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
    for (const match of code.matchAll(/^\s*import\s+(?!type\b)([^'";]*?)\s*(?:from\s*)?['"](\.[^'"]+)['"]/gm)) {
      // `import { type A, type B } from` is type-only too.
      const names = match[1]!;
      if (
        /^\{[^}]*\}$/.test(names) &&
        names
          .slice(1, -1)
          .split(',')
          .every((n) => /^\s*(type\s|$)/.test(n))
      )
        continue;
      visit(resolve(dirname(file), match[2]!));
    }
  };
  visit(entry);
  return seen;
}

/** One entry of a catalogue object: its key (null for the closing part), its lines with leading comments. */
interface Entry {
  readonly key: string;
  readonly lines: string[];
  /** For a section spanning lines (`key: {` … `},`): its own entries, its opening and closing lines. */
  readonly section?: { open: string; entries: Entry[]; close: string };
}

/** Splits the lines of an object literal's body (entries at `indent` spaces) into entries. */
function entriesOf(lines: readonly string[], indent: number): Entry[] {
  const pad = ' '.repeat(indent);
  const starts = (line: string) => line.startsWith(pad) && /^[\w'"/-]/.test(line.slice(indent));
  const entries: Entry[] = [];
  let pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' && entries.length > 0 && pending.length === 0) {
      entries.at(-1)!.lines.push(line);
      continue;
    }
    if (!starts(line)) {
      if (entries.length === 0 || pending.length > 0) pending.push(line);
      else entries.at(-1)!.lines.push(line);
      continue;
    }
    if (line.slice(indent).startsWith('/')) {
      pending.push(line);
      // A block comment's following lines belong to it.
      while (!lines[i]!.includes('*/') && lines[i]!.trimStart().startsWith('/*') && i + 1 < lines.length) {
        pending.push(lines[++i]!);
        if (lines[i]!.includes('*/')) break;
      }
      continue;
    }
    const key = /^['"]?([\w-]+)['"]?\s*:/.exec(line.slice(indent))![1]!;
    entries.push({ key, lines: [...pending, line] });
    pending = [];
  }
  return entries.map((entry) => withSection(entry, indent));
}

function withSection(entry: Entry, indent: number): Entry {
  const first = entry.lines.findIndex(
    (l) => l.startsWith(' '.repeat(indent)) && !l.trimStart().startsWith('/') && !l.trimStart().startsWith('*'),
  );
  const open = entry.lines[first]!;
  if (!open.trimEnd().endsWith('{') || indent > 2) return entry;
  const pad = ' '.repeat(indent);
  const close = entry.lines.findLastIndex((l) => l.startsWith(`${pad}}`));
  const inner = entry.lines.slice(first + 1, close);
  return {
    key: entry.key,
    lines: entry.lines,
    section: {
      open: entry.lines.slice(0, first + 1).join('\n'),
      entries: entriesOf(inner, indent + 2),
      close: entry.lines.slice(close).join('\n'),
    },
  };
}

interface Catalogue {
  readonly header: string[];
  readonly entries: Entry[];
}

function readCatalogue(path: string): Catalogue {
  if (!existsSync(path)) return { header: [], entries: [] };
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^export const \w+(: \w+)? = \{$/.test(l));
  const end = lines.findIndex((l, i) => i > start && l === '};');
  return { header: lines.slice(0, start), entries: entriesOf(lines.slice(start + 1, end), 2) };
}

/** The first paint's catalogue and the later one of a language, joined again. */
function joined(first: Catalogue, later: Catalogue): Entry[] {
  const all: Entry[] = first.entries.map((e) => ({
    ...e,
    section: e.section && { ...e.section, entries: [...e.section.entries] },
  }));
  for (const entry of later.entries) {
    const same = all.find((e) => e.key === entry.key);
    if (same?.section && entry.section) same.section.entries.push(...entry.section.entries);
    else if (same) throw new Error(`${entry.key} is in both catalogues`);
    else all.push(entry);
  }
  return all;
}

/** Which keys the first load's code reads: `key` for a top-level one, `section.key` within a section, `section.*` for all of it. */
function usedKeys(files: Iterable<string>): Set<string> {
  const used = new Set<string>();
  for (const file of files) {
    if (!/\.(svelte|ts)$/.test(file) || file.startsWith(I18N)) continue;
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\b(?:t|i18n\.t|useI18n\(\)\.t)\.(\w+)(\.(\w+))?/g)) {
      used.add(m[1]!);
      used.add(m[3] ? `${m[1]}.${m[3]}` : `${m[1]}.*`);
    }
    // `const t = $derived(useI18n().t.offline)`: `t.x` is `offline.x`.
    for (const alias of code.matchAll(/const (\w+) = \$derived\((?:useI18n\(\)|i18n)\.t\.(\w+)\)/g)) {
      for (const m of code.matchAll(new RegExp(`\\b${alias[1]}\\.(\\w+)`, 'g'))) used.add(`${alias[2]}.${m[1]}`);
    }
  }
  return used;
}

/** `entries` in the order `previous` had them (a stable split: re-running it changes nothing), new ones last. */
function inOrderOf(entries: readonly Entry[], previous: readonly Entry[]): Entry[] {
  const rank = (key: string) => {
    const at = previous.findIndex((e) => e.key === key);
    return at < 0 ? Number.POSITIVE_INFINITY : at;
  };
  return [...entries]
    .sort((a, b) => rank(a.key) - rank(b.key))
    .map((entry) => {
      const before = previous.find((e) => e.key === entry.key)?.section;
      return entry.section && before
        ? { ...entry, section: { ...entry.section, entries: inOrderOf(entry.section.entries, before.entries) } }
        : entry;
    });
}

function render(entries: readonly Entry[]): string {
  return entries
    .map((e) =>
      e.section
        ? [e.section.open, ...e.section.entries.flatMap((s) => s.lines), e.section.close].join('\n')
        : e.lines.join('\n'),
    )
    .join('\n');
}

function split(entries: readonly Entry[], used: Set<string>): { first: Entry[]; later: Entry[] } {
  const first: Entry[] = [];
  const later: Entry[] = [];
  for (const entry of entries) {
    if (!entry.section || used.has(`${entry.key}.*`)) {
      (used.has(entry.key) ? first : later).push(entry);
      continue;
    }
    const keep = entry.section.entries.filter((s) => used.has(`${entry.key}.${s.key}`));
    const move = entry.section.entries.filter((s) => !used.has(`${entry.key}.${s.key}`));
    if (keep.length > 0) first.push({ ...entry, section: { ...entry.section, entries: keep } });
    if (move.length > 0) later.push({ ...entry, section: { ...entry.section, entries: move } });
  }
  return { first, later };
}

/** Type imports of the header that the body names. */
function importsFor(header: readonly string[], body: string, drop: RegExp): string[] {
  return header
    .filter((l) => l.startsWith('import type') && !drop.test(l))
    .filter((l) =>
      /\{\s*([\w, ]+)\s*\}/
        .exec(l)![1]!
        .split(',')
        .some((name) => new RegExp(`\\b${name.trim()}\\b`).test(body)),
    );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(svelte|ts)$/.test(name) ? [path] : [];
  });
}

const check = process.argv.includes('--check');
const graph = staticGraph(join(ROOT, 'src/main.ts'));
const used = usedKeys(graph);
const outputs = new Map<string, string>();

for (const locale of LOCALES) {
  const firstPath = join(I18N, `${locale.file}.ts`);
  const laterPath = join(I18N, 'later', `${locale.file}.ts`);
  const first = readCatalogue(firstPath);
  const laterBefore = readCatalogue(laterPath);
  const parts = split(joined(first, laterBefore), used);
  parts.first = inOrderOf(parts.first, first.entries);
  parts.later = inOrderOf(parts.later, laterBefore.entries);
  const comment = first.header.filter((l) => !l.startsWith('import'));
  const typeImport = locale.file === 'en' ? [] : ["import type { FirstPaintMessages } from './en.ts';"];
  const firstBody = render(parts.first);
  const laterBody = render(parts.later);
  const own = /from '\.\/(en|later\/en)\.ts'/;
  // The imports either file had, as the first paint's file names them.
  const header = [...first.header, ...laterBefore.header.map((l) => l.replace("from '../../", "from '../"))];
  outputs.set(
    firstPath,
    [
      ...typeImport,
      ...importsFor([...new Set(header)], firstBody, own),
      ...comment,
      locale.file === 'en' ? 'export const en = {' : `export const ${locale.name}: FirstPaintMessages = {`,
      firstBody,
      '};',
      ...(locale.file === 'en'
        ? ['/** The shape of every language’s first-paint messages. */', 'export type FirstPaintMessages = typeof en;']
        : []),
      '',
    ].join('\n'),
  );
  const laterImports = importsFor([...new Set(header)], laterBody, own).map((l) =>
    l.replace("from '../", "from '../../"),
  );
  outputs.set(
    laterPath,
    [
      ...(locale.file === 'en' ? [] : ["import type { LaterMessages } from './en.ts';"]),
      ...laterImports,
      `/** ${locale.file}: the messages of what loads after the first paint (scripts/split-i18n.ts). */`,
      locale.file === 'en' ? `export const ${locale.later} = {` : `export const ${locale.later}: LaterMessages = {`,
      laterBody,
      '};',
      ...(locale.file === 'en'
        ? ['/** The shape of every language’s later messages. */', 'export type LaterMessages = typeof enLater;']
        : []),
      '',
    ].join('\n'),
  );
}

// Components in the first load read the first paint's messages; the others every message.
for (const file of sourceFiles(join(ROOT, 'src/lib/ui'))) {
  const code = readFileSync(file, 'utf8');
  const next = graph.has(file)
    ? code.replace(/useI18n\(\)\.all\b/g, 'useI18n().t').replace(/\bi18n\.all\b/g, 'i18n.t')
    : code.replace(/useI18n\(\)\.t\b/g, 'useI18n().all').replace(/\bi18n\.t\b/g, 'i18n.all');
  if (next !== code) outputs.set(file, next);
}

let stale = 0;
for (const [path, raw] of outputs) {
  const text = await format(raw, { ...(await resolveConfig(path)), filepath: path });
  if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
  stale++;
  if (check) console.error(`out of date: ${relative(ROOT, path)}`);
  else writeFileSync(path, text);
}
if (check && stale > 0) {
  console.error('Run npm run i18n:split (then npm run format).');
  process.exit(1);
}
console.log(`${graph.size} modules in the first load; ${stale} files ${check ? 'out of date' : 'written'}.`);
