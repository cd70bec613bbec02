// Flat ESLint config: typescript-eslint's recommended rules over sources, webview scripts and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A no-restricted-imports rule: these modules and folders are not for `who`. */
function restricted(who, modules, folders) {
  const message = `${who} may not import this: see the README's Layout section for which way imports go.`;
  return {
    paths: modules.map((name) => ({ name, message })),
    patterns: folders.map((folder) => ({ group: [`**/${folder}`, `**/${folder}/**`], message })),
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'out-mine/**', 'node_modules/**', 'artifacts/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      curly: 'error',
      eqeqeq: 'error',
      'no-throw-literal': 'error',
      '@typescript-eslint/naming-convention': ['warn', { selector: 'import', format: ['camelCase', 'PascalCase'] }],
    },
  },
  // The layout's arrows point one way (README, "Layout"): the engine and the pure folders
  // never import VS Code; the pure ones not the engine either; nothing below imports the
  // VS Code side (views, commands, panels).
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restricted('src/engine', ['vscode'], ['analysis', 'sources', 'views', 'commands', 'panels'])] },
  },
  {
    files: ['src/model/**/*.ts', 'src/shared/**/*.ts', 'src/analysis/**/*.ts', 'src/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restricted('model, shared, analysis and protocol', ['vscode'], ['engine', 'sources', 'views', 'commands', 'panels'])] },
  },
  // The Registries view is given its registries and clients: it may name the engine's types, never call into it.
  {
    files: ['src/views/registries/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/engine', '**/engine/**'], allowTypeImports: true, message: 'The Registries view takes what it needs from the Workbench: types of the engine only.' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
