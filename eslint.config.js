// ESLint for Cairn (`npm run lint`, part of `npm test`): typescript-eslint's
// recommended rules (the syntax ones; the type-checked set is not on), files
// under 400 lines, and DESIGN.md §1's arrows as import rules, so a wrong arrow
// fails CI.
import './scripts/lint/typescript6-for-eslint.js'
import { defineConfig } from 'eslint/config'

// Loaded after the hook above, so that its parser gets TypeScript 6's API
// (TypeScript 7 ships none; see scripts/lint/typescript6-for-eslint.js).
const { default: tseslint } = await import('typescript-eslint')

/**
 * One `no-restricted-imports` pattern per arrow that must not be drawn.
 * Imports are relative (`../../core/rpc/api.ts`), so a pattern matches a
 * folder name as a path segment; no folder inside these trees reuses one.
 */
const arrow = (regex, message) => ({ regex, message })
const TO_WEB = arrow(String.raw`(^|/)web/`, 'DESIGN §1: nothing imports web/; it talks to the node only through core/rpc.')
const TO_SW = arrow(String.raw`(^|/)sw/`, 'DESIGN §1: sw/ hosts the node in the browser; only the browser build points at it.')
const TO_RELAY_SERVER = arrow(String.raw`(^|/)relay-server/`, 'DESIGN §1: only desktop/ may import relay-server/.')
const TO_DESKTOP = arrow(String.raw`(^|/)desktop/`, 'DESIGN §1: nothing imports desktop/.')
const WEB_TO_CORE = arrow(String.raw`(^|/)core/(?!rpc/)`, 'DESIGN §1: web/ → core/rpc only; re-export what the page needs through core/rpc/.')
const PROTOCOLS_TO_NODE = arrow(String.raw`^\.\.?/(\.\./)*node/|(^|/)core/node/`, 'DESIGN §1: protocols depend on small interfaces declared beside them, not on core/node/.')

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })

export default defineConfig(
  {
    ignores: ['dist/', 'dist-deb/', 'desktop/bundle/', 'node_modules/', 'test-results/', 'playwright-report/', 'tests/bench/results/', '.cairn/', '.tmp/']
  },
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // STYLE.md: "Split before 400".
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      // `_` marks a binding kept on purpose; `{ origin: _origin, ...rest }` drops a field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Playwright fixtures need `async ({}, use)`; each one says so in an inline disable.
      'no-empty-pattern': 'error'
    }
  },
  { files: ['web/**'], rules: restrict(WEB_TO_CORE, TO_SW, TO_RELAY_SERVER, TO_DESKTOP) },
  { files: ['core/**'], rules: restrict(TO_WEB, TO_SW, TO_RELAY_SERVER, TO_DESKTOP) },
  { files: ['core/protocols/**'], rules: restrict(TO_WEB, TO_SW, TO_RELAY_SERVER, TO_DESKTOP, PROTOCOLS_TO_NODE) },
  { files: ['sw/**'], rules: restrict(TO_WEB, TO_RELAY_SERVER, TO_DESKTOP) },
  { files: ['relay-server/**'], rules: restrict(TO_WEB, TO_SW, TO_DESKTOP) },
  { files: ['desktop/**'], rules: restrict(TO_WEB, TO_SW) }
)
