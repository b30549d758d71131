// Lint rules: the recommended sets, plus the few that catch real bugs in async server code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// The layer rule (docs/architecture.md, "Layers"): each folder of src/ imports only the folders listed
// before it, and inside src/core each part only the parts listed before it. Every entry gets one block
// below (`layerBlocks`) whose rule names each entry listed after it, with a message that says which way
// the import goes; test/lint/layers.test.ts checks the whole order against the document.
const LAYERS = [
  'lib',
  'config',
  'db',
  'observability',
  'cluster',
  'core',
  'cache',
  'auth',
  'media',
  'webhooks',
  'workers',
  'accounts',
  'transfer',
  'http',
  'node',
  'cli',
];
const CORE_PARTS = [
  'error-codes.ts',
  'errors.ts',
  'db-answers.ts',
  'access.ts',
  'schema',
  'values.ts',
  'query',
  'locales',
  'context.ts',
  'documents',
];

/**
 * The relative import paths from `from` that reach `target` (a layer, or a part of core when `from` is
 * in core), as a regular expression: the rule sees paths as written, not resolved. They climb out with
 * `../` and name the target next; from a file at core's top level the other parts are `./<part>`.
 * Files are imported as `.js`. No folder of src/ has a subfolder named like something it may not
 * import, which keeps this exact.
 */
function restriction(from, target) {
  const part = from.startsWith('src/core/') && !LAYERS.includes(target);
  const climb = !part ? '(\\.\\./)+' : /^src\/core\/[^/]+\.ts$/.test(from) ? '\\./' : '(\\.\\./)+(core/)?';
  const name = target.endsWith('.ts') ? `${target.slice(0, -3)}\\.js$` : `${target}(/|$)`;
  const rule = part
    ? 'inside src/core each part imports only the parts'
    : 'each folder imports only the folders';
  return {
    regex: `^${climb}${name}`,
    message: `${from} may not import ${part ? `src/core/${target}` : `src/${target}`}: ${rule} listed before it (docs/architecture.md, "Layers").`,
  };
}

/**
 * Static imports and re-exports are no-restricted-imports' job; `import()` is not, so the same paths
 * are refused there through no-restricted-syntax (a lazy import must not be a way around the order).
 */
function layerRules(restrictions) {
  return {
    'no-restricted-imports': ['error', { patterns: restrictions }],
    'no-restricted-syntax': [
      'error',
      ...restrictions.map(({ regex, message }) => ({
        // esquery's regular expressions cannot contain a slash, even escaped.
        selector: `ImportExpression > Literal.source[value=/${regex.replaceAll('/', '\\x2F')}/]`,
        message,
      })),
    ],
  };
}

function layerBlocks() {
  const blocks = [];
  const after = (list, entry) => list.slice(list.indexOf(entry) + 1);
  for (const layer of LAYERS) {
    const from = `src/${layer}`;
    const upper = after(LAYERS, layer).map((target) => restriction(from, target));
    if (upper.length) blocks.push({ files: [`${from}/**/*.ts`], rules: layerRules(upper) });
  }
  // A later block replaces an earlier one's options for the same rule: each part of core repeats core's.
  for (const part of CORE_PARTS) {
    const from = `src/core/${part}`;
    const targets = [...after(LAYERS, 'core'), ...after(CORE_PARTS, part)];
    const files = part.endsWith('.ts') ? [from] : [`${from}/**/*.ts`];
    blocks.push({ files, rules: layerRules(targets.map((target) => restriction(from, target))) });
  }
  return blocks;
}

export default tseslint.config(
  // Fixture apps stand for users' projects (a Strapi project's own TypeScript is not ours to lint).
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'examples/**/.quorum/',
      'test/fixtures/',
      'admin-ui/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  ...layerBlocks(),
  // The admin UI (admin/): React's rules of hooks on top of the same TypeScript rules.
  {
    files: ['admin-ui/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
