import { readFileSync } from 'node:fs'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'
import { serveDirectory } from './support/static-server.ts'
import { META_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../core/security-headers.ts'

/** The built app carries its own policy, so a static host that sends no headers still runs it under a CSP. */
test('the built index.html has the CSP as its first <meta>, and dist/_headers carries every security header', () => {
  const html = readFileSync('dist/index.html', 'utf8')
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*\/?>/.exec(html)
  expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY)
  // Before any script or stylesheet it governs.
  expect(html.indexOf(meta?.[0] ?? '<missing>')).toBeLessThan(html.search(/<script|<link/))
  // A meta CSP ignores frame-ancestors; the headers carry it.
  expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors')

  const headers = readFileSync('dist/_headers', 'utf8')
  const forAll = headers.split(/\n\s*\n/).find(block => block.split('\n').some(line => line === '/*')) ?? ''
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(forAll).toContain(`\n  ${name}: ${value}`)
  expect(forAll).toContain("frame-ancestors 'none'")
  expect(forAll).toContain('X-Content-Type-Options: nosniff')
  expect(forAll).toContain('Referrer-Policy: no-referrer')
})

test('the app server (scripts/serve-app.ts) sends the security headers on the page, its assets and unknown paths', async () => {
  const script = /<script type="module"[^>]* src="([^"]+)"/.exec(readFileSync('dist/index.html', 'utf8'))?.[1]
  expect(script).toMatch(/^\/assets\//)
  for (const path of ['/', '/index.html', script ?? '', '/manifest.webmanifest', '/service-worker.js', '/no/such/file.js']) {
    const response = await fetch(new URL(path, CairnApp.appUrl()))
    await response.arrayBuffer()
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name), `${name} on ${path}`).toBe(value)
  }
})

test('once the service worker serves the app offline, the page still comes with the CSP', async ({ app }) => {
  await app.open()
  await app.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  const response = await app.page.reload()
  expect(response?.fromServiceWorker()).toBe(true)
  expect(response?.headers()['content-security-policy']).toBe(SECURITY_HEADERS['Content-Security-Policy'])
})

test('another page cannot frame Cairn: the server refuses, and with no headers the app refuses to run framed', async ({ profile }) => {
  const page = await profile.context.newPage()
  const framed = async (url: string) => {
    await page.setContent(`<h1>Win a prize</h1><iframe src="${url}" width="800" height="600"></iframe>`, { waitUntil: 'domcontentloaded' })
    return page.frameLocator('iframe')
  }

  // From Cairn's own server: frame-ancestors 'none' / X-Frame-Options stop the frame from loading at all.
  const blocked = await framed(CairnApp.appUrl())
  await expect.poll(() => page.frames()[1]?.url()).toMatch(/^chrome-error:/)
  await expect(blocked.getByRole('button')).toHaveCount(0)

  // From a static host that sends no headers: the app itself shows a way out and nothing else.
  const bare = await serveDirectory('dist', { securityHeaders: false })
  try {
    const frame = await framed(`${bare.url}/#/shared-files/some-id`)
    await expect(frame.getByRole('heading', { name: 'Open Cairn in its own tab' })).toBeVisible()
    await expect(frame.getByRole('link', { name: 'Open Cairn in a new tab' })).toHaveAttribute('target', '_blank')
    await expect(frame.getByRole('button')).toHaveCount(0)
    await expect(frame.getByLabel('Passphrase', { exact: true })).toHaveCount(0)
  } finally {
    await bare.close()
  }
})
