import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'empty folders are folders too'

/** Drags folders from the disk onto the page, as a file manager does (Chromium's own drag, not a scripted event). */
async function dropFromDisk (page: Page, paths: string[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const data = { items: [], files: paths, dragOperationsMask: 1 }
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 400, y: 400, data })
  }
  await cdp.detach()
}

test('a dropped empty folder, and the empty folders inside a dropped folder, are kept in the vault', async ({ profile, files }) => {
  mkdirSync(join(files.dir, 'Empty box'))
  mkdirSync(join(files.dir, 'Project', 'src'), { recursive: true })
  mkdirSync(join(files.dir, 'Project', 'build', 'cache'), { recursive: true })
  writeFileSync(join(files.dir, 'Project', 'src', 'main.c'), 'int main(void) { return 0; }\n')
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)

  await dropFromDisk(page, [join(files.dir, 'Empty box')])
  await expect(app.row('Empty box')).toHaveCount(1)

  await dropFromDisk(page, [join(files.dir, 'Project')])
  await expect(app.uploads().getByText(/^Stored/)).toHaveCount(1)
  await app.openFolder('Project')
  await expect(app.row('src')).toHaveCount(1)
  await expect(app.row('build')).toHaveCount(1)
  await app.openFolder('Project/build')
  await expect(app.row('cache')).toHaveCount(1)

  // Dropping the empty folder again changes nothing and says nothing went wrong.
  await app.openFolder('')
  await dropFromDisk(page, [join(files.dir, 'Empty box')])
  await expect(app.row('Empty box')).toHaveCount(1)
  await expect(page.getByRole('alert')).toHaveCount(0)

  // They are in the vault, not only on the page.
  await page.reload()
  await app.unlock(PASSPHRASE)
  await expect(app.row('Empty box')).toHaveCount(1)
  await app.openFolder('Project/build')
  await expect(app.row('cache')).toHaveCount(1)
})
