// ESLint (flat config) with typescript-eslint. The architecture rules live in .dependency-cruiser.cjs;
// both run in `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'drizzle/', 'data/', '.ci/out/', 'coverage/', '.scratch*/', 'bench/tmp/', 'zz-*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A file that passes ~400 lines is two files waiting to be separated (STYLE.md); 500 is the hard stop.
      'max-lines': ['error', { max: 500 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Module catalogues add their keys to platform/i18n's `Messages` with `interface Messages extends Record<…> {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='console'][property.name='log']", message: 'Log through the pino logger (src/platform/logger.ts), never console.log.' },
      ],
    },
  },
  {
    // The command line prints its results; benchmarks and tests may talk to the console.
    files: ['src/cli/**', 'bench/**', 'test/**', 'bin/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests build malformed and partial Slack payloads on purpose.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The Slack emulator takes whatever JSON a caller sends and answers like Slack: its payloads are untyped by nature.
    files: ['src/sandbox/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The sandbox page: plain browser JavaScript, served as is (no build step).
    files: ['src/sandbox/page/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['window', 'document', 'localStorage', 'fetch', 'EventSource', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'Node'].map((g) => [g, 'readonly'])),
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
