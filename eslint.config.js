import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Layering: agent/ and coder/ never import a runtime (DESIGN.md).
    files: ['src/agent/**/*.ts', 'src/coder/**/*.ts', 'src/github/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*', 'probot', '../action/*', '../app/*', '../cli/*'] }],
    },
  },
  {
    files: ['src/coder/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@actions/*', 'probot', '../agent/*', '../github/*', '../action/*', '../app/*', '../cli/*'] }] },
  },
);
