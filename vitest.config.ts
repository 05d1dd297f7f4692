import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    setupFiles: ['tests/support/late-kinds.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/signaling/**/*.test.ts'],
          exclude: ['tests/unit/state/**'],
        },
      },
      {
        // Rune classes run on Svelte's client runtime, as in the browser, without mounting a component.
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'state', include: ['tests/unit/state/**/*.test.ts'] },
      },
    ],
  },
});
