// ESLint (flat config): typescript-eslint's recommended rules, plus the boundaries of issue 19 —
// no non-null assertions and no `any` in src/, no import cycles, and the engine, dialogs, NLU,
// rules and knowledge free of channel and server code.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const layers = ['engine', 'dialogs', 'nlu', 'rules', 'knowledge', 'schema'];

export default tseslint.config(
  { ignores: ['dist/**', '.dist-staging/**', 'node_modules/**', 'coverage/**', 'src/channels/web/public/**', 'src/admin/public/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.mjs'] } } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // A variable a closure reads before it is set once (set once listening) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests assert on what they just built; a failed lookup fails the test anyway.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  ...layers.map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/channels/**', '**/server/**', '**/service/**'],
              message: `src/${layer} must not depend on channels, the server or the chat service.`,
            },
          ],
        },
      ],
    },
  })),
);
