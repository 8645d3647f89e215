import { parseShareLink } from '../../core/share/share-link.ts'
import { launchProfile } from './support/browser.ts'
import { CairnApp, sha256File } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { openShareLink, pairBackupPeer } from './support/share-steps.ts'
import { eavesdrop } from './support/eavesdrop.ts'

const PASSPHRASE = 'links that name the relay alone'

test('"Relay addresses only" makes a link that names the relay, never the backup peer\'s own address, and it still opens with the sharer gone', async ({ profile, files, backup: { relay, peer } }) => {
  test.setTimeout(300_000)
  const doc = files.make('plans.pdf', 400_000)
  const relayAddress = wsAddress(relay.ready.multiaddrs)
  const peerAddress = wsAddress(peer.ready.multiaddrs)
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.goTo('Settings')
  await app.page.getByLabel('Relay addresses').fill(relayAddress)
  await app.page.getByRole('button', { name: 'Save relays' }).click()
  await app.goTo('Files')
  await app.addFiles([doc.path])
  await pairBackupPeer(app, peerAddress, peer.ready.pairingCode ?? '')
  await app.goTo('Files')

  const makeLink = async (relayOnly: boolean): Promise<string> => {
    await (await app.rowMenu(doc.name)).getByRole('menuitem', { name: 'Share' }).click()
    const dialog = app.page.getByRole('dialog', { name: `Share ${doc.name}` })
    const option = dialog.getByRole('checkbox', { name: 'Relay addresses only' })
    // Off by default; once ticked it stays so for the next link.
    if (relayOnly) await option.check()
    else await expect(option).not.toBeChecked()
    await dialog.getByRole('button', { name: 'Create link' }).click()
    const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
    await dialog.getByRole('button', { name: 'Done' }).click()
    return link
  }
  // By default the link offers the peer's direct address first (the fastest way).
  expect(parseShareLink(await makeLink(false)).hints[0]).toBe(peerAddress)
  const link = await makeLink(true)
  const hints = parseShareLink(link).hints
  expect(hints.length).toBeGreaterThan(0)
  expect(hints).toContain(`${relayAddress}/p2p-circuit/p2p/${peer.ready.peerId}`)
  for (const hint of hints) {
    expect(hint).toContain('/p2p-circuit')
    expect(hint.startsWith(peerAddress.replace(/\/p2p\/.*$/, ''))).toBe(false)
  }

  // The backup peer holds both copies; then the sharer goes away.
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  await expect(app.page.getByText('On your backup peer')).toHaveCount(2, { timeout: 120_000 })
  await profile.context.close()

  const recipient = await launchProfile()
  try {
    // Another page of the origin listens on the tabs' channel.
    const listener = await recipient.context.newPage()
    await listener.goto(CairnApp.appUrl())
    const heard = await eavesdrop(listener)
    const page = await recipient.context.newPage()
    await openShareLink(page, link)
    await expect(page.getByRole('heading', { name: doc.name })).toBeVisible()
    const downloadLink = page.getByRole('link', { name: `Download ${doc.name}` })
    const href = await downloadLink.getAttribute('href', { timeout: 60_000 }) ?? ''
    const download = page.waitForEvent('download')
    await downloadLink.click({ timeout: 60_000 })
    expect(sha256File(await (await download).path())).toBe(doc.sha256)
    // The page's token for the file (it streams the plaintext to whoever asks) was never said there.
    const token = decodeURIComponent(href.replace(/^.*\/download\/share\//, '').replace(/[?/].*$/, ''))
    expect(token.length).toBeGreaterThan(8)
    expect((await heard()).join('\n')).not.toContain(token)
  } finally {
    await recipient.dispose()
  }
})
