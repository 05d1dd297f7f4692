import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

/** Files worth compressing, and the smallest worth it (below, headers cost more than is saved). */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|webmanifest|json)$/;
const MIN_COMPRESS_BYTES = 1024;

/**
 * Writes `.br` and `.gz` beside every compressible file of the build, at the highest levels, for
 * the server to send as they are (signaling/static.ts): on-the-fly brotli at the fast level the
 * server can afford sent more bytes than gzip would. Runs last, after the service worker is written.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'kaifong-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        const walk = (dir: string): string[] =>
          readdirSync(dir).flatMap((name) => {
            const path = join(dir, name);
            return statSync(path).isDirectory() ? walk(path) : [path];
          });
        for (const file of walk(outDir)) {
          if (!COMPRESSIBLE.test(file)) continue;
          const data = readFileSync(file);
          if (data.length < MIN_COMPRESS_BYTES) continue;
          const br = brotliCompressSync(data, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
          });
          const gz = gzipSync(data, { level: 9 });
          if (br.length < data.length) writeFileSync(`${file}.br`, br);
          if (gz.length < data.length) writeFileSync(`${file}.gz`, gz);
        }
      },
    },
  };
}

/**
 * Puts every module the entry imports statically into one chunk. Rolldown would otherwise split
 * off each module the entry shares with a lazy chunk (the post form, the members panel, the
 * network code), a dozen small files that gzip alone compress 2.7 KB worse than one, each a
 * request of its own. The graph is read when the build ends, before chunks are made.
 */
function firstLoadChunk(): { plugin: Plugin; test: (id: string) => boolean } {
  const initial = new Set<string>();
  const entries = new Set<string>();
  return {
    plugin: {
      name: 'kaifong-first-load-chunk',
      apply: 'build',
      buildEnd() {
        const visit = (id: string): void => {
          if (initial.has(id)) return;
          initial.add(id);
          for (const dep of this.getModuleInfo(id)?.importedIds ?? []) visit(dep);
        };
        for (const id of this.getModuleIds()) {
          const info = this.getModuleInfo(id);
          if (!info?.isEntry) continue;
          // NOTE: the entry's own script (src/main.ts) stays out: it awaits at top level until
          // the square opened, and a lazy chunk that imported it would wait for it for ever.
          for (const own of [id, ...(id.endsWith('.html') ? info.importedIds : [])]) entries.add(own);
          visit(id);
        }
      },
    },
    test: (id) => initial.has(id) && !entries.has(id),
  };
}

const firstLoad = firstLoadChunk();

export default defineConfig({
  build: {
    target: 'es2022',
    // For the bench's CPU profiles (bench/support/cpu-profile.ts): names kept, modules marked.
    ...(process.env.KAIFONG_UNMINIFIED ? { minify: false } : {}),
    // NOTE: no preload helper in the first load (0.8 KB gzip): chunks loaded later fetch their own
    // imports, from the service worker's cache once installed.
    modulePreload: false,
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'first-load', test: firstLoad.test }] } } },
  },
  plugins: [
    firstLoad.plugin,
    svelte(),
    VitePWA({
      // A new version waits for the resident's Reload (src/main.ts): never a reload under a draft.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Kaifong 街坊',
        short_name: 'Kaifong',
        description: 'A local-first mutual-aid square for one neighbourhood',
        lang: 'en',
        id: '/',
        start_url: '/',
        display: 'standalone',
        background_color: '#fbf7f2',
        theme_color: '#b4441e',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        // Server endpoints must always reach the server, never the cached shell.
        navigateFallbackDenylist: [/^\/signal/, /^\/config\.json/, /^\/healthz/, /^\/metrics/],
        cleanupOutdatedCaches: true,
        // The first visit must be able to reopen offline, so the first worker takes control at
        // once; a later one waits (no skipWaiting) until the resident chooses to reload.
        clientsClaim: true,
      },
    }),
    precompress(),
  ],
});
