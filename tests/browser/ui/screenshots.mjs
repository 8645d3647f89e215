// Visual review: serves the harness with Vite's dev server on a free port and
// screenshots every screen at desktop and phone widths, light and dark.
//
//   npx tsx tests/browser/ui/screenshots.mjs [outDir]     (default /tmp/cairn-ui-shots)
//
// A review tool: it drives the fake client, not the node, and asserts little.
import { startReview, VIEWPORTS } from './review-server.mjs'

const outDir = process.argv[2] ?? '/tmp/cairn-ui-shots'
const review = await startReview(outDir)
const { open, shot, problems } = review

const PASS = 'correct horse battery staple orbit'

for (const v of VIEWPORTS) {
  for (const dark of [false, true]) {
    const tag = `${v.tag}${dark ? '-dark' : ''}`
    // Onboarding
    {
      const { page, context } = await open('none', { ...v, dark })
      await page.getByLabel('Passphrase', { exact: true }).fill('short')
      await page.waitForTimeout(400)
      await shot(page, `${tag}-01-create-weak`)
      await page.getByLabel('Passphrase', { exact: true }).fill(PASS)
      await page.getByLabel('Confirm passphrase').fill(PASS)
      await page.getByRole('button', { name: 'Create vault' }).waitFor()
      await page.waitForTimeout(400)
      await shot(page, `${tag}-02-create-strong`)
      await page.getByRole('button', { name: 'Create vault' }).click()
      await shot(page, `${tag}-03-creating`)
      const words = (await page.getByTestId('recovery-phrase').textContent()).trim().split(/\s+/)
      if (words.length !== 24) problems.push(`recovery-phrase has ${words.length} words`)
      await page.getByRole('button', { name: 'Copy' }).click()
      await shot(page, `${tag}-04-phrase`)
      await page.getByRole('button', { name: 'Continue' }).click()
      const fields = await page.getByLabel(/^Word \d+$/).all()
      await fields[0].fill('wrong')
      await page.getByRole('button', { name: 'Continue' }).click()
      await shot(page, `${tag}-05-confirm-wrong`)
      for (const field of fields) {
        const id = await field.getAttribute('id')
        const label = await page.locator(`label[for="${id}"]`).textContent()
        await field.fill(words[Number(/\d+/.exec(label)[0]) - 1])
      }
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.waitForTimeout(200)
      await shot(page, `${tag}-06-storage`)
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.getByRole('button', { name: 'Add files' }).waitFor()
      await shot(page, `${tag}-07-files-empty`)
      await context.close()
    }
    // Locked, wrong passphrase, recovery
    {
      const { page, context } = await open('locked', { ...v, dark })
      await page.getByLabel('Passphrase', { exact: true }).fill('nope')
      await page.getByRole('button', { name: 'Unlock' }).click()
      await page.getByRole('alert').waitFor()
      await shot(page, `${tag}-08-unlock-wrong`)
      await page.getByRole('button', { name: 'Forgot passphrase?' }).click()
      await page.getByLabel('Recovery phrase').fill('orbit canal maple')
      await page.getByLabel('New passphrase', { exact: true }).fill('a brand new passphrase for cairn')
      await page.getByLabel('Confirm passphrase').fill('a brand new passphrase for cairn')
      await page.getByRole('button', { name: 'Recover vault' }).click()
      await page.getByRole('alert').waitFor()
      await shot(page, `${tag}-09-recover-bad`)
      await context.close()
    }
    // Files, uploads, dialogs
    {
      const { page, context } = await open('files', { ...v, dark, query: '&slow=400&update' })
      await page.getByRole('row').nth(3).waitFor()
      await shot(page, `${tag}-10-files`)
      await page.getByLabel('Filter files').fill('photo')
      await shot(page, `${tag}-11-files-filtered`)
      await page.getByLabel('Filter files').fill('')
      await page.getByRole('button', { name: 'Sort by size' }).click()
      const chooser = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Add files' }).click()
      await (await chooser).setFiles([
        { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(3_000_000, 1) },
        { name: 'same-as-notes.md', mimeType: 'text/markdown', buffer: Buffer.alloc(2048, 2) },
        { name: 'huge-video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(1000, 3) },
        { name: 'later.txt', mimeType: 'text/plain', buffer: Buffer.alloc(5000, 4) }
      ])
      await page.waitForTimeout(1500)
      await shot(page, `${tag}-12-uploading`)
      await page.getByText(/^(Stored|Already in your vault)/).nth(2).waitFor({ timeout: 20_000 })
      await shot(page, `${tag}-13-uploaded`)
      // Drag and drop: a synthetic drop carries plain files (no directory entries).
      const dataTransfer = await page.evaluateHandle(() => {
        const dt = new DataTransfer()
        dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }))
        return dt
      })
      await page.dispatchEvent('body', 'dragenter', { dataTransfer })
      await shot(page, `${tag}-13b-drag-over`)
      await page.dispatchEvent('body', 'drop', { dataTransfer })
      await page.getByRole('row').filter({ hasText: 'dropped.txt' }).waitFor()
      await page.getByRole('row').filter({ hasText: 'notes.md' }).first().getByRole('button', { name: 'Rename' }).click()
      await shot(page, `${tag}-14-rename`)
      await page.getByRole('button', { name: 'Cancel' }).click()
      await page.getByRole('row').filter({ hasText: 'empty.dat' }).getByRole('button', { name: 'Delete' }).click()
      await shot(page, `${tag}-15-delete`)
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
      await page.getByRole('row').filter({ hasText: 'empty.dat' }).waitFor({ state: 'detached' })
      await page.getByRole('navigation').getByRole('link', { name: 'Dashboard' }).click()
      await page.getByText('12D3KooW').waitFor()
      await shot(page, `${tag}-16-dashboard`)
      await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click()
      await page.getByLabel('Current passphrase').fill('wrong one')
      await page.getByLabel('New passphrase', { exact: true }).fill('another long passphrase here')
      await page.getByLabel('Confirm passphrase').fill('another long passphrase here')
      await page.getByRole('button', { name: 'Change passphrase' }).click()
      await page.getByRole('alert').waitFor()
      await shot(page, `${tag}-17-settings-wrong`)
      await page.getByRole('button', { name: 'Show recovery phrase' }).click()
      await page.getByRole('dialog').getByLabel('Passphrase', { exact: true }).fill(PASS)
      await shot(page, `${tag}-18-reveal-dialog`)
      await page.getByRole('dialog').getByRole('button', { name: 'Show recovery phrase' }).click()
      await page.getByTestId('recovery-phrase').waitFor()
      await shot(page, `${tag}-19-settings-revealed`)
      await page.getByRole('navigation').getByRole('link', { name: 'Logs' }).click()
      await page.locator('.log-line').first().waitFor()
      await shot(page, `${tag}-20-logs`)
      await page.evaluate(() => { window.__fake.autoLock() })
      await page.getByRole('button', { name: 'Unlock' }).waitFor()
      await shot(page, `${tag}-21-auto-locked`)
      await context.close()
    }
  }
}

await review.close()
