// Shared by the visual-review scripts: serves the harness with Vite's dev
// server on a free port, opens pages in Chromium, saves full-page shots, and
// collects page errors. A review tool only.
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { createServer } from 'vite'
import { chromiumLaunchOptions } from '../../e2e/support/browser.ts'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../../..')

/** The desktop and phone viewports every screen is shot at. */
export const VIEWPORTS = [{ tag: 'desktop', width: 1200 }, { tag: 'phone', width: 390, height: 844 }]

export async function startReview (outDir) {
  mkdirSync(outDir, { recursive: true })
  const server = await createServer({
    configFile: false,
    root: here,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [repo] } },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } }
  })
  await server.listen()
  const base = `http://127.0.0.1:${server.httpServer.address().port}/`
  const browser = await chromium.launch(chromiumLaunchOptions())
  const problems = []

  return {
    problems,
    /** A fresh context on `?scenario=…` (plus `query`), with clipboard access. */
    async open (scenario, { width = 1200, height = 860, dark = false, query = '' } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? 'dark' : 'light' })
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
      const page = await context.newPage()
      page.on('pageerror', (err) => { problems.push(`${scenario}: ${err.message}`) })
      page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`${scenario}: console: ${msg.text()}`) })
      await page.goto(`${base}?scenario=${scenario}${query}`)
      return { page, context }
    },
    async shot (page, name) {
      await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true })
      console.log(`${name}.png`)
    },
    async close () {
      await browser.close()
      await server.close()
      if (problems.length > 0) {
        console.error('Problems seen:\n' + problems.join('\n'))
        process.exitCode = 1
      }
    }
  }
}
