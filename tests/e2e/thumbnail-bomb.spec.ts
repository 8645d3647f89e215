import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { expectPhotoThumbnail, thumbOf } from './support/files-steps.ts'
import { makeBombPng, makePng } from './support/png.ts'

const PASSPHRASE = 'a tiny file that is not so tiny'

/**
 * A 64 KiB PNG that says it is 23,000 × 23,000 pixels would take the
 * thumbnail worker ~2 GiB to decode (measured: Chromium's memory peaked at
 * 4.5 GB for ~16 s of CPU), and two such files decode at once: a shared
 * folder of them brings a phone's tab down. The worker reads the size the
 * image declares and declines one that large: no thumbnail, quietly; a
 * photo still gets its thumbnail.
 */
test('an image whose header claims half a billion pixels gets no thumbnail and is never decoded; a photo still gets one', async ({ profile, files }) => {
  const bomb = join(files.dir, 'tiny-bomb.png')
  writeFileSync(bomb, makeBombPng(23_000, 23_000))
  expect(statSync(bomb).size).toBeLessThan(128 * 1024)
  const photo = join(files.dir, 'garden.png')
  writeFileSync(photo, makePng(600, 400))

  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([bomb])
  await expect(thumbOf(app, 'tiny-bomb.png')).toHaveAttribute('data-thumb', /^(none|ready)$/, { timeout: 90_000 })
  await expect(thumbOf(app, 'tiny-bomb.png')).toHaveAttribute('data-thumb', 'none')
  await expect(app.page.getByRole('alert')).toHaveCount(0)

  await app.addFiles([photo])
  await expectPhotoThumbnail(app, 'garden.png')
})
