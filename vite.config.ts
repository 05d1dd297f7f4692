import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  build: { target: 'es2022' },
  plugins: [
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
  ],
});
