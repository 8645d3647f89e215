// typescript-eslint (8.x) parses with the TypeScript compiler's JavaScript API,
// which TypeScript 7 (the native compiler this project type-checks with) no
// longer ships: its `typescript` package exports only a version. So, inside the
// ESLint process only, typescript-eslint's own `require('typescript')` is sent
// to @typescript/typescript6, Microsoft's package for running TypeScript 6
// beside 7. `npm run typecheck` still uses TypeScript 7. Remove this file once
// a typescript-eslint release supports TypeScript 7.
import * as nodeModule from 'node:module'

const { registerHooks } = nodeModule
if (registerHooks === undefined) throw new Error('npm run lint needs Node.js 22.15 or later (node:module registerHooks)')

const PARSER_PACKAGES = /\/node_modules\/(?:@typescript-eslint\/[^/]+|typescript-eslint|ts-api-utils)\//

registerHooks({
  resolve (specifier, context, nextResolve) {
    if (specifier === 'typescript' && PARSER_PACKAGES.test(context.parentURL ?? '')) {
      return nextResolve('@typescript/typescript6', context)
    }
    return nextResolve(specifier, context)
  }
})
