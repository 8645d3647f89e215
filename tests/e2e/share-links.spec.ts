import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { base64url } from 'multiformats/bases/base64'
import { createShareLink, parseShareLink } from '../../core/share/share-link.ts'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp, sha256File } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { openShareLink, pairBackupPeer } from './support/share-steps.ts'
import { makePng } from './support/png.ts'
import type { Request } from '@playwright/test'

const PASSPHRASE = 'links for my friends only'

/** Shares a file from the Files page and returns the link the dialog shows. */
async function share (app: CairnApp, name: string): Promise<string> {
  await (await app.rowMenu(name)).getByRole('menuitem', { name: 'Share' }).click()
  const dialog = app.page.getByRole('dialog', { name: `Share ${name}` })
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
  await expect(dialog.getByRole('button', { name: 'Copy link' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Show QR code' }).click()
  await expect(dialog.getByRole('img', { name: 'QR code of the share link' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Done' }).click()
  return link
}

/** Everything a recipient's browser asked for, with the bodies it sent. */
function recordRequests (profile: Profile): string[] {
  const seen: string[] = []
  const note = (request: Request): void => { seen.push(`${request.method()} ${request.url()} ${request.postData() ?? ''} ${JSON.stringify(request.headers())}`) }
  profile.context.on('request', note)
  return seen
}

test('a shared file is fetched from the backup peer by a browser with no vault, and stops working when the share stops', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(420_000)
  const big = files.make('holiday-video-20MB.bin', 20 * 1000 * 1000)
  const pngPath = join(files.dir, 'sunset.png')
  writeFileSync(pngPath, makePng(64, 48))
  const notesPath = join(files.dir, 'notes.txt')
  const NOTES = 'Meet at the cairn at noon ✓\n<script>alert(1)</script> stays text\n'
  writeFileSync(notesPath, NOTES)

  // A: a vault paired with the backup peer, two files shared.
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([big.path, pngPath, notesPath])
  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await app.goTo('Files')
  const bigLink = await share(app, big.name)
  const pngLink = await share(app, 'sunset.png')
  const notesLink = await share(app, 'notes.txt')
  expect(bigLink.startsWith(CairnApp.appUrl().replace(/\/$/, '') + '/#/s/')).toBe(true)
  const bigFields = parseShareLink(bigLink)
  expect(bigFields.name).toBe(big.name)
  expect(bigFields.size).toBe(20 * 1000 * 1000)

  // Both shares are held by the backup peer before A goes away.
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  await expect(app.page.getByRole('heading', { name: 'My shares' })).toBeVisible()
  await expect(app.page.getByText('On your backup peer')).toHaveCount(3, { timeout: 120_000 })
  await profile.context.close()

  // C: a fresh browser, no vault. The 20 MB file arrives intact.
  const c = await launchProfile()
  try {
    const requests = recordRequests(c)
    const page = await c.context.newPage()
    await openShareLink(page, bigLink)
    await expect(page.getByRole('heading', { name: big.name })).toBeVisible()
    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: `Download ${big.name}` }).click({ timeout: 60_000 })
    expect(sha256File(await (await download).path())).toBe(big.sha256)

    // The PNG's preview renders.
    await openShareLink(page, pngLink)
    const preview = page.getByRole('img', { name: 'Preview of sunset.png' })
    await expect(preview).toBeVisible({ timeout: 60_000 })
    await expect.poll(async () => await preview.evaluate((img: HTMLImageElement) => img.complete ? img.naturalWidth : 0)).toBe(64)
    expect(await page.getByRole('button', { name: 'Save to my vault' }).count(), 'nothing to save into without a vault').toBe(0)

    // A text file's preview shows its text as text (markup is not rendered).
    await openShareLink(page, notesLink)
    await expect(page.getByLabel('Preview of notes.txt')).toHaveText(NOTES.trimEnd(), { timeout: 60_000 })

    // No request C made carries a link's fragment or key, in any spelling.
    const secrets = [bigLink, pngLink, notesLink].flatMap((link) => {
      const payload = link.slice(link.indexOf('#/s/') + 4)
      const key = parseShareLink(link).shareKey
      return [payload, payload.slice(0, 40), base64url.baseEncode(key), Buffer.from(key).toString('hex'), Buffer.from(key).toString('base64')]
    })
    expect(requests.length).toBeGreaterThan(3)
    for (const secret of secrets) expect(requests.filter(r => r.includes(secret))).toEqual([])
    expect(requests.filter(r => r.includes('#'))).toEqual([])

  } finally {
    await c.dispose()
  }

  // A browser that found the big file before its share stops: its download then breaks
  // off, and the page says why instead of leaving only the browser's "network error".
  const early = await launchProfile()
  try {
    const earlyPage = await early.context.newPage()
    await openShareLink(earlyPage, bigLink)
    const earlyDownload = earlyPage.getByRole('link', { name: `Download ${big.name}` })
    await expect(earlyDownload).toBeVisible({ timeout: 60_000 })

    // A comes back and stops sharing the big file.
    const again = await launchProfile({ userDataDir: profile.userDataDir })
    try {
      const back = new CairnApp(await again.context.newPage())
      await back.open()
      await back.unlock(PASSPHRASE)
      await back.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
      await back.page.getByRole('button', { name: `Stop sharing ${big.name}` }).click()
      const confirm = back.page.getByRole('dialog', { name: `Stop sharing ${big.name}?` })
      await expect(confirm).toContainText('keeps their copy')
      await confirm.getByRole('button', { name: 'Stop sharing' }).click()
      await expect(back.page.getByRole('button', { name: `Stop sharing ${big.name}` })).toHaveCount(0)
      // The peer dropped the stopped share's copy at once, not after its retention period.
      await expect.poll(() => peer.log(), { timeout: 60_000 }).toMatch(new RegExp(`freed ${bigFields.cid.toString()} .* as dropped`))
    } finally {
      await again.context.close()
    }

    // Now the early browser downloads: nobody holds the blocks any more.
    const download = earlyPage.waitForEvent('download')
    await earlyDownload.click()
    await expect(earlyPage.getByRole('alert')).toContainText('The file stopped arriving before its end. Nobody is sharing this file right now', { timeout: 90_000 })
    expect(await (await download).failure()).not.toBeNull()
    await expect(earlyDownload, 'the share stays open for another try').toBeVisible()
  } finally {
    await early.dispose()
  }

  // A fresh C2 finds nobody sharing the stopped file.
  const c2 = await launchProfile()
  try {
    const page = await c2.context.newPage()
    await openShareLink(page, bigLink)
    await expect(page.getByRole('alert')).toContainText('Nobody is sharing this file right now', { timeout: 60_000 })
    // The other share still works.
    await openShareLink(page, pngLink)
    await expect(page.getByRole('img', { name: 'Preview of sunset.png' })).toBeVisible({ timeout: 60_000 })
  } finally {
    await c2.dispose()
  }
})

test('a damaged link says so; a link to data nobody holds says nobody is sharing it, with Try again', async ({ profile, backup: { peer } }) => {
  test.setTimeout(180_000)
  const requests = recordRequests(profile)
  const page = await profile.context.newPage()
  const key = crypto.getRandomValues(new Uint8Array(32))
  const nobody = createShareLink({
    origin: CairnApp.appUrl(),
    cid: CID.createV1(raw.code, await sha256.digest(crypto.getRandomValues(new Uint8Array(32)))),
    shareKey: key,
    name: 'ghost.txt',
    size: 10,
    type: 'text/plain',
    hints: [wsAddress(peer.ready.multiaddrs)]
  })
  for (const damaged of [nobody.slice(0, -12), nobody.replace(/#\/s\/(.)/, (_, c: string) => `#/s/${c === 'A' ? 'B' : 'A'}`), `${CairnApp.appUrl()}#/s/not-a-link`]) {
    await openShareLink(page, damaged)
    await expect(page.getByRole('alert')).toContainText('This link is damaged')
    await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0)
  }
  await openShareLink(page, nobody)
  await expect(page.getByRole('heading', { name: 'ghost.txt' })).toBeVisible()
  await expect(page.getByRole('alert')).toContainText('Nobody is sharing this file right now', { timeout: 60_000 })
  await page.getByRole('button', { name: 'Try again' }).click()
  await expect(page.getByRole('alert')).toContainText('Nobody is sharing this file right now', { timeout: 60_000 })
  for (const secret of [nobody.slice(nobody.indexOf('#')), base64url.baseEncode(key), Buffer.from(key).toString('hex')]) {
    expect(requests.filter(r => r.includes(secret))).toEqual([])
  }
})
