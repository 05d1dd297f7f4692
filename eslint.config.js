import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

/** Layering from shared/STYLE.md: which libraries each layer may import. */
const layer = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'test-results/', 'dev-dist/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
  { files: ['tests/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Playwright fixtures declare their (absent) dependencies with an empty pattern.
  { files: ['tests/e2e/**'], rules: { 'no-empty-pattern': 'off' } },
  { files: ['**/*.js', '**/*.mjs'], ...ts.configs.disableTypeChecked },
  layer(
    ['src/lib/domain/**'],
    [
      {
        group: ['yjs', 'y-*', 'maplibre-gl', 'svelte', 'svelte/*'],
        message: 'domain/ is pure: no Yjs, network, map or UI.',
      },
      {
        group: [
          '../board/*',
          '../sync/*',
          '../storage/*',
          '../state/*',
          '../ui/*',
          '../crypto/*',
          '../map/*',
          '../i18n/*',
        ],
        message: 'domain/ imports nothing of the other layers.',
      },
    ],
  ),
  layer(
    ['src/lib/map/**'],
    [
      {
        group: [
          'yjs',
          'y-*',
          'svelte',
          'svelte/*',
          '../board/*',
          '../sync/*',
          '../storage/*',
          '../state/*',
          '../ui/*',
          '../crypto/*',
        ],
        message: 'map/ draws the site with MapLibre; it depends on domain/ only.',
      },
    ],
  ),
  layer(
    ['src/lib/crypto/**'],
    [
      {
        group: [
          'yjs',
          'y-*',
          'maplibre-gl',
          'svelte',
          '../board/*',
          '../sync/*',
          '../storage/*',
          '../state/*',
          '../ui/*',
        ],
        message: 'crypto/ depends on domain/ only.',
      },
    ],
  ),
  layer(
    ['src/lib/board/**'],
    [
      {
        group: ['y-webrtc', 'y-indexeddb', 'maplibre-gl', 'svelte', '../state/*', '../ui/*', '../sync/*', '../map/*'],
        message: 'board/ knows the document, not the network or the UI.',
      },
    ],
  ),
  layer(
    ['src/lib/yjs/**'],
    [
      {
        group: ['y-*', 'svelte', '../*'],
        message: 'yjs/ is the Yjs update format alone: board/ and sync/ both use it, it uses neither.',
      },
    ],
  ),
  layer(
    ['src/lib/storage/**'],
    [
      {
        group: ['y-webrtc', 'maplibre-gl', 'svelte', '../board/*', '../sync/*', '../state/*', '../ui/*'],
        message: 'storage/ keeps things on this device; it knows no network, board or UI.',
      },
    ],
  ),
  layer(
    ['src/lib/sync/**'],
    [
      {
        group: ['y-indexeddb', 'maplibre-gl', 'svelte', '../board/*', '../storage/*', '../state/*', '../ui/*'],
        message: 'sync/ carries documents; it knows no storage, board or UI.',
      },
    ],
  ),
  layer(
    ['src/lib/state/**'],
    [
      {
        group: ['yjs', 'y-*', 'maplibre-gl'],
        message: 'state/ never touches Yjs: services come from main.ts, the document layout from board/.',
      },
      {
        group: ['../storage/idb*', '../storage/identity-store*', '../sync/webrtc-*'],
        message: 'state/ takes its services injected (state/services.ts): no browser implementations.',
      },
    ],
  ),
  layer(
    ['src/lib/ui/**', 'src/lib/i18n/**', 'src/*.svelte'],
    [
      {
        group: ['yjs', 'y-*', 'maplibre-gl'],
        message: 'The UI never touches Yjs or MapLibre: go through state/ (and map/).',
      },
      {
        group: ['**/board/*', '**/sync/*', '**/storage/*', '**/crypto/*'],
        message:
          'Components read state/ and call its commands; they import only state/, i18n/, ui/ and pure domain/ helpers.',
      },
    ],
  ),
  // Time is injected (domain/clock.ts): no wall clock or timers below state/.
  {
    files: ['src/lib/domain/**', 'src/lib/board/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'setTimeout',
          'setInterval',
          'clearTimeout',
          'clearInterval',
          'requestAnimationFrame',
          'performance',
          'Date',
        ].map((name) => ({ name, message: 'Time is injected: take a Clock (domain/clock.ts).' })),
      ],
    },
  },
);
