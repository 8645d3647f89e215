import { existsSync } from 'node:fs'
import { serveApp } from '../../../scripts/serve-app.ts'
import { ensureBrowsers } from './browser-install.ts'

/**
 * Serves the built app (dist/, made by `npm run build` before the browser
 * tests) on a free port of 127.0.0.1 and passes its URL to the tests through
 * CAIRN_APP_URL. One server for the whole run: a profile relaunched by a test
 * must find its data again, and browser storage is keyed by origin and port.
 */
export default async function globalSetup (): Promise<() => Promise<void>> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` before the browser tests (npm test does)')
  ensureBrowsers()
  const app = await serveApp({ port: 0 })
  process.env.CAIRN_APP_URL = app.url
  return async () => { await app.close() }
}
