import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A forgotten promise on the data path is a lost write.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only (STYLE.md §3).' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'reflect-metadata', message: 'No reflective DI (STYLE.md §6).' }] }],
    },
  },
  {
    files: ['packages/!(runtime)/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pino', message: 'Only packages/runtime creates pino; take a Logger in deps.' },
            { name: 'reflect-metadata', message: 'No reflective DI.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/*/test/**/*.ts', 'packages/*/src/**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['packages/*/test/**/*.ts', 'packages/*/src/**/*.test.ts', 'packages/bench/**/*.ts', 'packages/testkit/**/*.ts'],
    rules: {
      // Test helpers type what a response body is expected to be.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // Tool configuration files must default-export.
    files: ['vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
