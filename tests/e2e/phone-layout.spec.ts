import { expect, test } from '@playwright/test'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { TestFiles } from './support/test-files.ts'

// Issue 13: at 390 × 844 the app has a bottom navigation instead of a
// two-line header, rows show name, size and the menu, every control is a
// 44 px touch target, nothing scrolls sideways, and the app is installable.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }

const BOTTOM = ['Files', 'Shares', 'Backup', 'Devices'] as const
const MORE = ['Trash', 'Peers', 'Dashboard', 'Settings', 'Logs'] as const
const HEADINGS: Record<string, string> = { Shares: 'My shares' }

let profile: Profile
let files: TestFiles
test.beforeEach(async () => {
  profile = await launchProfile({ device: PHONE })
  files = new TestFiles()
})
test.afterEach(async () => {
  await profile.dispose()
  files.dispose()
})

/** Buttons and links narrower or shorter than 44 px (links inside running text are exempt, WCAG 2.5.8), and whether the page scrolls sideways. */
async function layoutProblems (app: CairnApp): Promise<{ small: string[], sideways: boolean }> {
  return await app.page.evaluate(() => {
    const small: string[] = []
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href], summary')) {
      const rect = el.getBoundingClientRect()
      if (rect.width === 0 || rect.height === 0 || el.closest('.visually-hidden, [aria-hidden="true"]') !== null) continue
      const inText = el.tagName === 'A' && [...(el.parentElement?.childNodes ?? [])].some(n => n !== el && n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '')
      if (inText) continue
      if (rect.width < 43.5 || rect.height < 43.5) small.push(`${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}" ${Math.round(rect.width)}×${Math.round(rect.height)}`)
    }
    const root = document.scrollingElement ?? document.documentElement
    return { small, sideways: root.scrollWidth > root.clientWidth + 1 }
  })
}

async function expectFitsPhone (app: CairnApp, where: string): Promise<void> {
  const { small, sideways } = await layoutProblems(app)
  expect(small, `touch targets under 44 px on ${where}`).toEqual([])
  expect(sideways, `${where} scrolls sideways`).toBe(false)
}

test('at 390 × 844 the bottom navigation reaches every page, rows show name, size and the menu, targets are 44 px, nothing scrolls sideways, and a batch of uploads gives one toast', async () => {
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await expectFitsPhone(app, 'onboarding')
  await app.createVault('a phone in one hand and coffee')

  // A two-line header is gone: the top bar keeps the brand and Lock, the pages are at the bottom.
  const page = app.page
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden()
  const bottom = page.getByRole('navigation', { name: 'Pages' })
  await expect(bottom).toBeVisible()
  const box = await bottom.boundingBox()
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeGreaterThan(840)

  // Three files at once: one toast for the batch.
  const names = ['holiday-photo-with-a-rather-long-name-from-the-camera.jpg', 'notes.txt', 'budget.ods']
  await app.addFiles(names.map((name, i) => files.make(name, 20_000 * (i + 1)).path))
  const toasts = page.getByTestId('toast')
  await expect(toasts.filter({ hasText: '3 files added' })).toHaveCount(1)
  await expect(page.getByRole('region', { name: 'Messages' })).toContainText('3 files added')

  // A row shows its name, size and the row's controls; date and type are hidden.
  const row = app.row('notes.txt')
  await expect(row.locator('.col-name')).toBeVisible()
  await expect(row.getByText('40.0 KB', { exact: true })).toBeVisible()
  await expect(row.locator('.col-date')).toBeHidden()
  await expect(row.locator('.col-type')).toBeHidden()
  await expect(row.locator('.col-actions')).toBeVisible()
  // A short name is shown whole, its badges on the line under it; a long one ends in an ellipsis.
  const nameClipped = async (name: string): Promise<boolean> => await app.row(name).evaluate((row, name) => {
    const button = [...row.querySelectorAll('button')].find(b => b.textContent === name)
    if (button === undefined) throw new Error(`no button named ${name}`)
    const range = document.createRange()
    range.selectNodeContents(button)
    const text = range.getBoundingClientRect()
    const shown = button.getBoundingClientRect()
    const badge = row.querySelector('.badge')?.getBoundingClientRect()
    // The badges have a line of their own, so they never squeeze or cover the name.
    const besideBadge = badge !== undefined && badge.top < text.bottom - 1
    return text.width > shown.width + 1 || besideBadge
  }, name)
  expect(await nameClipped('notes.txt')).toBe(false)
  expect(await nameClipped('budget.ods')).toBe(false)
  expect(await nameClipped(names[0] ?? '')).toBe(true)
  await expect(row.getByText('On this device')).toBeVisible()
  await expectFitsPhone(app, 'Files')

  for (const name of BOTTOM) {
    await bottom.getByRole('link', { name }).click()
    await expect(page.getByRole('heading', { level: 1, name: HEADINGS[name] ?? name })).toBeVisible()
    await expect(bottom.getByRole('link', { name })).toHaveAttribute('aria-current', 'page')
    await expectFitsPhone(app, name)
  }
  for (const name of MORE) {
    const more = bottom.getByRole('button', { name: 'More' })
    await more.click()
    await expect(more).toHaveAttribute('aria-expanded', 'true')
    await bottom.getByRole('link', { name }).click()
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
    // The list folds away once a page is chosen.
    await expect(bottom.getByRole('link', { name })).toBeHidden()
    await expectFitsPhone(app, name)
  }
})

test('the passphrase rules and an example that passes show before typing; Restore counts the words still missing', async () => {
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  const page = app.page
  await expect(page.getByTestId('passphrase-rules')).toContainText("four or five words that don't belong together")
  const example = page.getByTestId('passphrase-example')
  await expect(example).toHaveText(/^[a-z]+( [a-z]+){4}$/)
  await page.getByLabel('Passphrase', { exact: true }).fill(await example.textContent() ?? '')
  await expect(page.locator('.strength:not(.is-stale)').getByText(/^Strength: (Good|Strong)$/)).toBeVisible()
  await expect(example).toHaveCount(0)

  await page.getByRole('button', { name: 'Restore a vault' }).click()
  const count = page.getByTestId('phrase-count')
  await expect(count).toHaveText('24 words, in order, separated by spaces or new lines.')
  await page.getByLabel('Recovery phrase').fill('orbit canal\nmaple ')
  await expect(count).toHaveText('3 of 24 words — 21 words still missing.')
  await expectFitsPhone(app, 'Restore a vault')
})

test('copying a share link says so in a toast that goes by itself', async () => {
  await profile.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault('a link for my sister, copied')
  await app.addFiles([files.make('recipe.txt', 2_000).path])
  const dialog = await app.openShareDialog('recipe.txt')
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
  // No backup peer: the dialog says the link works only while Cairn is open here.
  await expect(dialog).toContainText('works only while Cairn is open on this device')
  await dialog.getByRole('button', { name: 'Copy link' }).click()
  await dialog.getByRole('button', { name: 'Done' }).click()
  const toast = app.page.getByTestId('toast').filter({ hasText: 'Share link copied' })
  await expect(toast).toBeVisible()
  expect(await app.page.evaluate(async () => await navigator.clipboard.readText())).toBe(link)
  await expect(toast).toHaveCount(0, { timeout: 15_000 })
})

test('the app is installable on a phone: the manifest has its icons and screenshots and Chromium reports no installability error', async () => {
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  // Installability needs the service worker in control of the page.
  await app.page.evaluate(async () => { await navigator.serviceWorker.ready })
  const manifest = await (await app.page.request.get(new URL('/manifest.webmanifest', CairnApp.appUrl()).href)).json() as {
    icons: Array<{ sizes: string, purpose?: string }>
    screenshots: Array<{ src: string, sizes: string, form_factor?: string }>
  }
  expect(manifest.icons.map(i => `${i.sizes} ${i.purpose ?? 'any'}`)).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']))
  expect(manifest.screenshots.map(s => s.form_factor).sort()).toEqual(['narrow', 'wide'])
  for (const shot of manifest.screenshots) {
    const response = await app.page.request.get(new URL(shot.src, CairnApp.appUrl()).href)
    expect(response.status(), shot.src).toBe(200)
  }
  const cdp = await profile.context.newCDPSession(app.page)
  await expect.poll(async () => {
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
    return installabilityErrors.map(e => e.errorId)
  }, { timeout: 30_000 }).toEqual([])
  const { errors } = await cdp.send('Page.getAppManifest')
  expect(errors).toEqual([])
})
