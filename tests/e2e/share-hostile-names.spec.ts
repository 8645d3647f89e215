import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { createShareLink } from '../../core/share/share-link.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { openShareLink } from './support/share-steps.ts'

/** Bidirectional-text controls: marks, embeddings, overrides, isolates. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

// A sender picks the name a link carries; a recipient must see the file's real extension.
test('a link whose name hides its extension behind bidi controls shows the name as it really ends', async ({ profile }) => {
  const page = await profile.context.newPage()
  const link = createShareLink({
    origin: CairnApp.appUrl(),
    cid: CID.createV1(raw.code, await sha256.digest(crypto.getRandomValues(new Uint8Array(32)))),
    shareKey: crypto.getRandomValues(new Uint8Array(32)),
    // Reads "holiday-photoexe.png" where the override is obeyed.
    name: 'holiday-photo\u202Egnp.exe',
    size: 10,
    type: 'image/png',
    hints: []
  })
  await openShareLink(page, link)
  const heading = page.getByRole('heading', { level: 1 })
  await expect(heading).toContainText('.exe')
  const shown = await heading.textContent() ?? ''
  expect(shown).not.toMatch(BIDI)
  expect(shown.endsWith('.exe')).toBe(true)
})

test('a link with a long unbroken type and name still fits a phone\'s width', async ({ profile }) => {
  const page = await profile.context.newPage()
  await page.setViewportSize({ width: 360, height: 740 })
  const link = createShareLink({
    origin: CairnApp.appUrl(),
    cid: CID.createV1(raw.code, await sha256.digest(crypto.getRandomValues(new Uint8Array(32)))),
    shareKey: crypto.getRandomValues(new Uint8Array(32)),
    name: `${'n'.repeat(1000)}.txt`,
    size: 10,
    // 255 bytes: the most a link carries.
    type: `application/${'x'.repeat(243)}`,
    hints: []
  })
  await openShareLink(page, link)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('.txt')
  await expect(page.getByText('application/xxxx', { exact: false })).toBeVisible()
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)
  expect(sideways, 'the page scrolls sideways').toBe(false)
})

test('a link with an empty name (or one of bidi controls alone) still has a heading that says what it is', async ({ profile }) => {
  const page = await profile.context.newPage()
  for (const name of ['', '\u202E\u2066']) {
    const link = createShareLink({
      origin: CairnApp.appUrl(),
      cid: CID.createV1(raw.code, await sha256.digest(crypto.getRandomValues(new Uint8Array(32)))),
      shareKey: crypto.getRandomValues(new Uint8Array(32)),
      name,
      size: 10,
      type: 'text/plain',
      hints: []
    })
    await openShareLink(page, link)
    await expect(page.getByText('10 B')).toBeVisible()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('A shared file')
  }
})
