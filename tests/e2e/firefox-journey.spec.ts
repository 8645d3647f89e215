import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test as base } from './support/fixtures.ts'
import { findFirefox } from './support/firefox.ts'
import { filesContaining, removeDir, startPeer, startRelay, wsAddress } from './support/backup-servers.ts'
import { vaultJourney } from './support/journey-steps.ts'
import { createRelayOnlyShareLink, downloadSharedSha256, expectSharesOnBackupPeer, useRelay } from './support/share-across.ts'
import { createShareLink, pairBackupPeer } from './support/share-steps.ts'

/**
 * Cairn in Firefox ESR (Debian's, driven by Playwright 1.64.1 over WebDriver
 * BiDi): the vault journey, a backup peer, and share links between Firefox
 * and Chromium both ways. Few tests on purpose; the Chromium suite covers the rest.
 */
const found = findFirefox()
const PASSPHRASE = 'a fox keeps its files close'

interface Servers {
  relay: Awaited<ReturnType<typeof startRelay>>
  peer: Awaited<ReturnType<typeof startPeer>>
  relayAddress: string
}

const test = base.extend<{ servers: Servers }>({
  servers: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const relay = await startRelay()
    const relayAddress = wsAddress(relay.ready.multiaddrs)
    const peer = await startPeer({ relay: relayAddress })
    try {
      await use({ relay, peer, relayAddress })
    } finally {
      await peer.stop()
      await relay.stop()
      removeDir(peer.dataDir)
      removeDir(relay.dir)
    }
  }
})

test.skip(found.kind === 'none', found.kind === 'none' ? found.reason : '')

test('Firefox: create, upload three files, reload, unlock, download intact, rename, delete, lock', async ({ firefox, files }) => {
  await vaultJourney(new CairnApp(await firefox.context.newPage()), files, PASSPHRASE)
})

test('Firefox pairs a backup peer through the relay; the peer holds the file and the Firefox share link downloads intact in Chromium', async ({ firefox, files, servers: { peer, relayAddress } }) => {
  test.setTimeout(300_000)
  const photo = files.make('fox-photo.bin', 3 * 1000 * 1000)
  const app = new CairnApp(await firefox.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)
  await useRelay(app, relayAddress)
  await app.addFiles([photo.path])
  await pairBackupPeer(app, `${relayAddress}/p2p-circuit/p2p/${peer.ready.peerId}`, peer.ready.pairingCode ?? '')
  await app.goTo('Files')
  const link = await createShareLink(app, photo.name)
  await expectSharesOnBackupPeer(app, 1)
  // The peer holds ciphertext only.
  expect(filesContaining(peer.dataDir, [files.marker])).toEqual([])
  // Firefox goes away: Chromium gets the file from the backup peer alone.
  await firefox.context.close()

  const chromium = await launchProfile()
  try {
    expect(await downloadSharedSha256(await chromium.context.newPage(), link, photo.name)).toBe(photo.sha256)
  } finally {
    await chromium.dispose()
  }
})

test('a share link made in Chromium (relay addresses only) downloads intact in Firefox', async ({ firefox, files, servers: { peer, relayAddress } }) => {
  test.setTimeout(300_000)
  const doc = files.make('plans.pdf', 2 * 1000 * 1000)
  const chromium = await launchProfile()
  let link: string
  try {
    const app = new CairnApp(await chromium.context.newPage())
    await app.open()
    await app.createVault('chromium shares with a fox')
    await useRelay(app, relayAddress)
    await app.addFiles([doc.path])
    await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
    await app.goTo('Files')
    link = await createRelayOnlyShareLink(app, doc.name)
    await expectSharesOnBackupPeer(app, 1)
  } finally {
    await chromium.dispose()
  }
  expect(await downloadSharedSha256(await firefox.context.newPage(), link, doc.name)).toBe(doc.sha256)
})

test('Firefox: the first download after each of five reloads is intact (the node never waits on a worker it starts)', async ({ firefox, files }) => {
  const app = new CairnApp(await firefox.context.newPage())
  const file = files.make('after-reload.bin', 200_000)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([file.path])
  await app.expectListed([file.name])
  for (let round = 1; round <= 5; round++) {
    await app.page.reload()
    await app.unlock(PASSPHRASE)
    await app.expectListed([file.name])
    expect(await app.downloadSha256(file.name), `download after reload ${round}`).toBe(file.sha256)
  }
})
