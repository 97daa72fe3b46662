// @ts-check
/**
 * Lint: ESLint's and typescript-eslint's recommended rules, plus the project's own habits (no
 * `any`, no floating promises). Type-aware rules are limited to the few that catch real bugs
 * here, so `npm run lint` stays well under a minute.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/client-program compiles only against the client test/client.test.ts generates, which typechecks it.
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', '.data/', 'coverage/', 'test/client-program/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
);
