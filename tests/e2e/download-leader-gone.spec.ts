import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'a download outlives no tab'

/**
 * A download (or a video the viewer plays) streams from the node worker of
 * the leader tab through the service worker. When that tab closes midway, the
 * bytes can no longer come: the stream must break, so the browser says the
 * download failed, rather than wait forever (a download stuck "in progress",
 * and a service worker the other tabs keep awake for it).
 */
test('a download from a second tab fails, not hangs, when the tab that runs the node closes midway', async ({ profile, files }) => {
  const big = files.make('long-film.bin', 24 * 1024 * 1024)
  const leader = new CairnApp(await profile.context.newPage())
  await leader.open()
  await leader.createVault(PASSPHRASE)
  await leader.addFiles([big.path])

  const second = new CairnApp(await profile.context.newPage())
  await second.open()
  await second.expectUnlocked()
  const href = await (await second.downloadLink(big.name)).getAttribute('href') ?? ''
  await second.page.keyboard.press('Escape')
  expect(href).toMatch(/^\/download\//)

  // The second tab reads the start of the file, as a player does, then pauses.
  const firstBytes = await second.page.evaluate(async (url) => {
    const response = await fetch(url)
    const reader = response.body?.getReader()
    if (reader === undefined) return 0
    ;(globalThis as unknown as { cairnReader: typeof reader }).cairnReader = reader
    const first = await reader.read()
    return first.value?.byteLength ?? 0
  }, href)
  expect(firstBytes).toBeGreaterThan(0)

  await leader.page.close()

  // Reading on: the stream ends in an error (with a guard that turns a hang into a plain failure of this test).
  const outcome = await second.page.evaluate(async () => {
    const reader = (globalThis as unknown as { cairnReader: ReadableStreamDefaultReader<Uint8Array> }).cairnReader
    const rest = (async () => {
      let received = 0
      for (;;) {
        const next = await reader.read()
        if (next.done) return `ended after ${received} more bytes`
        received += next.value.byteLength
      }
    })().catch(() => 'failed')
    const hung = new Promise<string>((resolve) => { setTimeout(() => { resolve('hung') }, 90_000) })
    return await Promise.race([rest, hung])
  })
  expect(outcome).toBe('failed')
})
