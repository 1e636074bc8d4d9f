// ESLint: TypeScript rules plus the import boundaries of DESIGN.md:
// src-shared imports nothing of ours (and no Node/DOM-only packages), src-renderer imports only
// src-shared, and only the Electron entry and preload import `electron`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'url'];

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'release', 'coverage', 'test-results', 'playwright-report', 'artifacts', 'bench/results', 'resources/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src-shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**', '../src-main*', '../src-renderer*'], message: 'src-shared imports nothing of ours.' },
            { group: ['electron', 'pg', 'react', 'react-dom', ...NODE_BUILTINS], message: 'src-shared is pure: no Node, DOM or Electron packages.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/set-state-in-effect': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**', '../src-main*'], message: 'The renderer talks to the engine only through the typed client (src-shared/client).' },
            { group: ['electron', 'pg', ...NODE_BUILTINS], message: 'The renderer is sandboxed: no Node, pg or Electron.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/index.ts', 'src-main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron'], message: 'Only src-main/index.ts and src-main/preload may import electron; services are plain Node.' },
            { group: ['**/src-renderer/**'], message: 'The engine never imports the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bin/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
);
