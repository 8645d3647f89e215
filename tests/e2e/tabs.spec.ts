import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'many tabs share one quiet node'

test('a second tab uses the first tab\'s node, and takes the node over when that tab closes', async ({ profile, files }) => {
  const note = files.make('shared-note.txt', 5000)
  const first = new CairnApp(await profile.context.newPage())
  await first.open()
  await first.createVault(PASSPHRASE)
  await first.addFiles([note.path])

  // The second tab reaches the unlocked vault through the leader tab.
  const second = new CairnApp(await profile.context.newPage())
  await second.open()
  await second.expectUnlocked()
  await second.expectListed([note.name])
  expect(await second.downloadSha256(note.name)).toBe(note.sha256)

  // Closing the leader hands the node to the second tab; the key went with
  // the old worker, so the vault is locked until the user unlocks it again.
  await first.page.close()
  await second.expectLocked()
  await second.unlock(PASSPHRASE)
  await second.expectListed([note.name])
  expect(await second.downloadSha256(note.name)).toBe(note.sha256)
})

test('the app talks to no host but its own and breaks no CSP rule', async ({ profile, files }) => {
  const page = await profile.context.newPage()
  const foreign: string[] = []
  const cspErrors: string[] = []
  const origin = new URL(CairnApp.appUrl()).origin
  profile.context.on('request', (request) => {
    const url = new URL(request.url())
    if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== origin) foreign.push(request.url())
  })
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) cspErrors.push(message.text())
  })
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([files.make('x.bin', 3 * 1024 * 1024).path])
  for (const name of ['Dashboard', 'Settings', 'Logs', 'Files'] as const) await app.goTo(name)
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()

  expect(foreign).toEqual([])
  expect(cspErrors).toEqual([])
  const csp = (await page.request.get(CairnApp.appUrl())).headers()['content-security-policy'] ?? ''
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'")
  expect(csp).toContain("object-src 'none'")
  expect(csp).toContain("base-uri 'none'")
  expect(csp).toContain("frame-ancestors 'none'")
})
