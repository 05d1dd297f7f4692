// The JavaScript a first load fetches before anything paints: the module scripts of the built
// index.html, every chunk they import statically (what the modulepreload links name), and the
// reader's message catalogue, which main.ts awaits before mounting. Sizes are of the gzip files
// the build writes beside each chunk (vite.config.ts), which the server sends as they are.
// Usage: npx tsx bench/initial-js.ts [dist] [catalogue: en | zh-hant | zh-hans]

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * At most this much JavaScript, gzip, before the list paints: issue 13's 60,000. It was 58,270
 * before sealed messages, the phone layout, the map and moving a square landed, and 72,700 with
 * them and fair distribution. What brought it back: the messages split by what the first paint
 * shows (scripts/split-i18n.ts); moderation, filters, the QR code, the start page, the share panel
 * and the square file out of the first load; the kinds the list does not show folded from a chunk
 * after the paint (domain/late-kinds.ts), with the intake, the signature pool and the draft keeper
 * (66,000 en); then every body schema (valibot) with the parsing of peers', files' and commands'
 * records (kinds/parse.ts: 62,100), signing with the first command (60,000) and retention, blocks
 * and restores with the late kinds (board/upkeep.ts): 58,830 in English, 59,572 in Chinese.
 */
export const INITIAL_JS_BUDGET_BYTES = 60_000;

export interface InitialJs {
  readonly files: readonly { readonly path: string; readonly gzip: number }[];
  readonly gzipBytes: number;
}

function gzipSize(file: string): number {
  const gz = `${file}.gz`;
  return existsSync(gz) ? statSync(gz).size : gzipSync(readFileSync(file), { level: 9 }).length;
}

/** The static import graph of `entry` inside `dist` (paths relative to dist, without a leading slash). */
function staticGraph(dist: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = readFileSync(join(dist, path), 'utf8');
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    // Static imports only (`import … from "./x.js"` and `import "./x.js"`): `import(` is dynamic.
    for (const match of code.matchAll(/\bimport\s*(?:[\w$*{},\s]+?\s*from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      visit(dir + match[1]!.slice(2));
    }
  };
  visit(entry);
  return seen;
}

/** Measures the initial JavaScript of the build in `dist`, with the given message catalogue. */
export function measureInitialJs(dist = 'dist', catalogue = 'en'): InitialJs {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!);
  if (scripts.length === 0) throw new Error(`no module script in ${dist}/index.html`);
  const paths = new Set<string>();
  for (const script of scripts) for (const path of staticGraph(dist, script)) paths.add(path);
  // The catalogue is a dynamic import of the entry's graph, awaited before the first paint.
  const named = new RegExp(`["'\`]\\./(${catalogue}-[\\w-]+\\.js)["'\`]`);
  const chunk = [...paths].map((path) => named.exec(readFileSync(join(dist, path), 'utf8'))?.[1]).find(Boolean);
  // (A build that imports every catalogue statically has them in the graph already.)
  if (chunk) for (const path of staticGraph(dist, `assets/${chunk}`)) paths.add(path);
  const files = [...paths].map((path) => ({ path, gzip: gzipSize(join(dist, path)) }));
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzip, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dist = 'dist', catalogue = 'en'] = process.argv.slice(2);
  const { files, gzipBytes } = measureInitialJs(dist, catalogue);
  for (const f of [...files].sort((a, b) => b.gzip - a.gzip)) console.log(`${String(f.gzip).padStart(7)}  ${f.path}`);
  console.log(`initial JavaScript: ${gzipBytes} bytes gzip (ceiling ${INITIAL_JS_BUDGET_BYTES})`);
}
