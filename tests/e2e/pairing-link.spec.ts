import { wsAddress } from './support/backup-servers.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { pairingLinkHash } from '../../web/lib/pairing-link.ts'

// `npm start` prints a link that opens the app with the backup peer's address
// and pairing code filled in (web/lib/pairing-link.ts).

test('a pairing link fills "Add backup peer" after the vault is made, leaves the address bar, and pairs on Add', async ({ app, backup: { peer } }) => {
  const address = wsAddress(peer.ready.multiaddrs)
  const code = peer.ready.pairingCode ?? ''
  expect(code).not.toBe('')
  const page = app.page
  await page.goto(`${CairnApp.appUrl()}/${pairingLinkHash({ peer: address, code })}`)

  // The code leaves the address bar (and the history) at once, before anything else happens.
  await expect(page.getByLabel('Passphrase', { exact: true })).toBeVisible()
  expect(page.url()).not.toContain(code)
  expect(page.url()).not.toContain('peer=')

  await app.createVault('a link fills the peer for me', page.getByRole('heading', { name: 'Add a backup peer' }))
  // Once the vault is open, Backup shows the form filled in; nothing is paired yet.
  await expect(page.getByLabel('Backup peer address')).toHaveValue(address)
  await expect(page.getByLabel('Pairing code')).toHaveValue(code)
  await expect(page.getByText('Filled in from a pairing link.')).toBeVisible()
  await expect(page.getByText('No backup peer yet')).toBeVisible()
  expect(page.url()).not.toContain(code)

  await page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(page.getByText(/^Paired with /)).toBeVisible({ timeout: 60_000 })
})

test('a pairing link opened in a running, unlocked app fills the form too', async ({ app, backup: { peer } }) => {
  const address = wsAddress(peer.ready.multiaddrs)
  const code = peer.ready.pairingCode ?? ''
  await app.open()
  await app.createVault('already unlocked when the link comes')
  await app.page.evaluate((hash) => { window.location.hash = hash }, pairingLinkHash({ peer: address, code }))
  await expect(app.page.getByLabel('Backup peer address')).toHaveValue(address)
  await expect(app.page.getByLabel('Pairing code')).toHaveValue(code)
  expect(app.page.url()).not.toContain(code)
})
