import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'shared from another app'

/**
 * Does what the OS share sheet does for an installed Cairn (manifest
 * `share_target`): a multipart POST navigation to /share-target with the
 * files in the field "files". Headless Chromium has no share sheet, so a real
 * form in the page stands in for it. Returns the URLs the tab went through.
 */
async function shareToCairn (page: Page, paths: string[], fields: Record<string, string> = {}): Promise<string[]> {
  // The service worker must control the page, as it does for an installed app.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  await page.evaluate((extra) => {
    const form = document.createElement('form')
    form.id = 'share-sheet'
    form.method = 'post'
    form.enctype = 'multipart/form-data'
    form.action = '/share-target'
    const input = document.createElement('input')
    input.type = 'file'
    input.name = 'files'
    input.multiple = true
    form.append(input)
    for (const [name, value] of Object.entries(extra)) {
      const field = document.createElement('input')
      field.type = 'hidden'
      field.name = name
      field.value = value
      form.append(field)
    }
    document.body.append(form)
  }, fields)
  if (paths.length > 0) await page.locator('#share-sheet input[type=file]').setInputFiles(paths)
  const urls: string[] = []
  const record = (frame: { url: () => string }): void => { urls.push(frame.url()) }
  page.on('framenavigated', record)
  const posted = page.waitForResponse(r => r.url().endsWith('/share-target') && r.request().method() === 'POST')
  await page.evaluate(() => { (document.getElementById('share-sheet') as HTMLFormElement).submit() })
  expect((await posted).status()).toBe(303)
  // The first commit is the redirect's target; the app may then rewrite the hash.
  await expect.poll(() => urls.length).toBeGreaterThan(0)
  await page.waitForLoadState('load')
  page.off('framenavigated', record)
  return urls
}

/** The shared-files notice, which offers "Add to vault" and "Discard" once the vault is open. */
function notice (app: CairnApp, text: string | RegExp) {
  return app.page.getByRole('status').filter({ hasText: text })
}

test('files shared to Cairn while another tab holds the unlocked vault are added on "Add to vault", download intact, and never replace a file', async ({ profile, files }) => {
  const photo = files.make('holiday.jpg', 300_000)
  const note = files.make('note.txt', 2000)
  const first = new CairnApp(await profile.context.newPage())
  await first.open()
  await first.createVault(PASSPHRASE)

  // The share opens (here: navigates) another Cairn tab, which reaches the vault through the first one.
  const second = new CairnApp(await profile.context.newPage())
  await second.open()
  await second.expectUnlocked()
  const urls = await shareToCairn(second.page, [photo.path, note.path])
  expect(urls.some(u => /\/#\/shared-files\/[0-9a-f-]{36}$/.test(u))).toBe(true)
  await expect(second.page).toHaveURL(/\/#\/files$/)
  // Any website can post to the share target: nothing is added until the user says so.
  await expect(notice(second, `2 shared files are ready to add: ${photo.name}, ${note.name}`)).toBeVisible()
  await expect(second.uploads()).toHaveCount(0)
  await second.page.getByRole('button', { name: 'Add to vault' }).click()
  await expect(second.uploads().getByText(/^Stored/)).toHaveCount(2)
  await second.expectListed([photo.name, note.name])
  expect(await second.downloadSha256(photo.name)).toBe(photo.sha256)
  expect(await second.downloadSha256(note.name)).toBe(note.sha256)
  await first.expectListed([photo.name, note.name])
  await expect(second.page.getByText(/shared files? to your vault|ready to add/)).toHaveCount(0)

  // A shared file named like one in the vault lands beside it: the old one stays as it was.
  const other = files.make('note.txt', 900)
  expect(other.sha256).not.toBe(note.sha256)
  await shareToCairn(second.page, [other.path])
  await expect(notice(second, '1 shared file is ready to add: note.txt')).toBeVisible()
  await second.page.getByRole('button', { name: 'Add to vault' }).click()
  await second.expectListed(['note (2).txt'])
  expect(await second.downloadSha256('note.txt')).toBe(note.sha256)
  expect(await second.downloadSha256('note (2).txt')).toBe(other.sha256)
})

test('files shared to a locked Cairn wait for the unlock; the manifest declares the share target; lost and empty shares say so', async ({ profile, files }) => {
  const a = files.make('a.bin', 1_500_000)
  const b = files.make('b.txt', 123)
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)

  // The manifest the page links to offers Cairn in the share sheet. Its address does not
  // change from one build to the next, so an installed app finds it after an update.
  const { href, manifest } = await app.page.evaluate(async () => {
    const href = document.querySelector('link[rel=manifest]')?.getAttribute('href') ?? ''
    return { href, manifest: await (await fetch(href)).json() as { share_target?: unknown } }
  })
  expect(href).toBe('/manifest.webmanifest')
  expect(manifest.share_target).toEqual({
    action: '/share-target',
    method: 'POST',
    enctype: 'multipart/form-data',
    params: { title: 'title', text: 'text', url: 'url', files: [{ name: 'files', accept: ['*/*'] }] }
  })

  // The only tab navigates, so its node worker (and the key) is gone: the files wait for the passphrase.
  await shareToCairn(app.page, [a.path, b.path], { title: 'two files' })
  await app.expectLocked()
  await expect(app.page.getByRole('status').filter({ hasText: 'Unlock to add 2 shared files to your vault.' })).toBeVisible()
  await app.unlock(PASSPHRASE)
  await expect(notice(app, `2 shared files are ready to add: ${a.name}, ${b.name}`)).toBeVisible()
  await app.page.getByRole('button', { name: 'Add to vault' }).click()
  await expect(app.uploads().getByText(/^Stored/)).toHaveCount(2)
  await app.expectListed([a.name, b.name])
  expect(await app.downloadSha256(a.name)).toBe(a.sha256)
  expect(await app.downloadSha256(b.name)).toBe(b.sha256)
  await expect(app.page).toHaveURL(/\/#\/files$/)

  // An id the service worker does not hold (it was restarted, or another tab took the files).
  await app.page.goto(`${CairnApp.appUrl()}/#/shared-files/00000000-0000-4000-8000-000000000000`)
  await expect(app.page.getByRole('alert').filter({ hasText: 'The shared files were lost before Cairn could take them; share them again.' })).toBeVisible()
  await app.page.getByRole('button', { name: 'Dismiss', exact: true }).click()
  await expect(app.page.getByText('The shared files were lost')).toHaveCount(0)

  // Text only, no files: back to the app with nothing to add.
  const urls = await shareToCairn(app.page, [], { text: 'just a note' })
  expect(urls.some(u => u.includes('shared-files'))).toBe(false)
  expect(new URL(app.page.url()).pathname).toBe('/')
  await app.unlock(PASSPHRASE)
  await app.expectListed([a.name, b.name])
  await expect(app.page.getByText(/shared files? to your vault|ready to add|were lost/)).toHaveCount(0)
})

test('a share of more files than Cairn holds at once: the first 50 wait for "Add to vault", the others are named as not taken', async ({ profile, files }) => {
  const many = Array.from({ length: 52 }, (_, i) => files.make(`scan-${String(i + 1).padStart(2, '0')}.txt`, 100 + i))
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)

  await shareToCairn(app.page, many.map(f => f.path))
  await app.unlock(PASSPHRASE)
  await expect(notice(app, /^50 shared files are ready to add: scan-01\.txt, scan-02\.txt/)).toBeVisible()
  await expect(app.page.getByRole('alert').filter({
    hasText: '2 shared files were not taken: scan-51.txt, scan-52.txt. Cairn takes at most 50 files and 250 MB at once from the share sheet. Add them with "Add files" instead.'
  })).toBeVisible()

  // The files within the cap are added as usual; the refused ones are not in the vault.
  await app.page.getByRole('button', { name: 'Add to vault' }).click()
  await expect(app.uploads().getByText(/^Stored/)).toHaveCount(50, { timeout: 120_000 })
  await app.expectListed(['scan-01.txt', 'scan-50.txt'])
  await expect(app.row('scan-51.txt')).toHaveCount(0)
  expect(await app.downloadSha256('scan-50.txt')).toBe(many[49]?.sha256)
  await app.page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click()
  await expect(app.page.getByText('shared files were not taken')).toHaveCount(0)
})
