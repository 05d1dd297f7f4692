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
        group: ['../board/*', '../sync/*', '../state/*', '../ui/*', '../crypto/*', '../map/*', '../i18n/*'],
        message: 'domain/ imports nothing of the other layers.',
      },
    ],
  ),
  layer(
    ['src/lib/crypto/**'],
    [
      {
        group: ['yjs', 'y-*', 'svelte', '../board/*', '../sync/*', '../state/*', '../ui/*'],
        message: 'crypto/ depends on domain/ only.',
      },
    ],
  ),
  layer(
    ['src/lib/board/**'],
    [
      {
        group: ['y-webrtc', 'y-indexeddb', 'svelte', '../state/*', '../ui/*'],
        message: 'board/ knows the document, not the network or the UI.',
      },
    ],
  ),
  layer(
    ['src/lib/state/**', 'src/lib/ui/**', 'src/lib/i18n/**', 'src/*.svelte'],
    [{ group: ['yjs', 'y-*'], message: 'The UI never touches Yjs: go through state/.' }],
  ),
  layer(
    ['src/lib/ui/**'],
    [
      {
        group: ['../board/*', '../sync/connection*', '../crypto/*'],
        message: 'Components read state/ and call its commands.',
      },
    ],
  ),
);
