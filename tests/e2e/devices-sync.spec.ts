import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp, sha256File } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { freePort, removeDir, startPeer, startRelay, wsAddress } from './support/backup-servers.ts'
import { pairBackupPeer } from './support/share-steps.ts'
import type { Locator } from '@playwright/test'

const PASSPHRASE = 'two devices, one vault'
const PASSPHRASE_B = 'the second device has its own'

/** Settings → relay: the devices find each other through it (browsers have no address of their own). */
async function useRelay (app: CairnApp, relay: string): Promise<void> {
  await app.goTo('Settings')
  await app.page.getByLabel('Relay addresses').fill(relay)
  await app.page.getByRole('button', { name: 'Save relays' }).click()
  await app.goTo('Files')
}

/**
 * Until pairing is wired, a second device of A's vault is made the way a user
 * restores: recovery phrase + backup peer, in another browser. It is a real
 * second device (its own PeerId, the same vault key).
 */
async function restoreSecondDevice (profile: Profile, words: string[], peerAddress: string): Promise<CairnApp> {
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.page.getByRole('button', { name: 'Restore a vault' }).click()
  await app.page.getByLabel('Recovery phrase').fill(words.join(' '))
  await app.page.getByLabel('Backup peer address').fill(peerAddress)
  await app.page.getByLabel('New passphrase', { exact: true }).fill(PASSPHRASE_B)
  await app.page.getByLabel('Confirm passphrase').fill(PASSPHRASE_B)
  await app.page.getByRole('button', { name: 'Restore vault' }).click()
  await app.expectUnlocked()
  return app
}

/** CairnApp.downloadSha256 with a bound: a file that never arrives fails here, not at the test's timeout. */
async function downloadSha256 (app: CairnApp, name: string | Locator): Promise<string> {
  const download = app.page.waitForEvent('download', { timeout: 60_000 })
  if (typeof name === 'string') await (await app.downloadLink(name)).click({ timeout: 10_000 })
  else {
    // A row's "⋯" menu, then its Download.
    await name.click({ timeout: 10_000 })
    await app.page.getByRole('menu').getByRole('menuitem', { name: 'Download', exact: true }).click({ timeout: 10_000 })
  }
  return sha256File(await (await download).path())
}

function conflictRows (app: CairnApp) {
  return app.page.getByRole('row').filter({ hasText: /\(conflict, / })
}

test('changes on one device show on the other within seconds, both ways, after a partition, and through the backup peer when they are never online together', async ({ files }) => {
  test.setTimeout(300_000)
  const relayPort = await freePort()
  const peerPort = await freePort()
  let relay = await startRelay(undefined, relayPort)
  const relayAddress = wsAddress(relay.ready.multiaddrs)
  let peer = await startPeer({ relay: relayAddress, wsPort: peerPort })
  const peerAddress = wsAddress(peer.ready.multiaddrs)
  // A's profile outlives its browser: A is closed and opened again below.
  const aDir = mkdtempSync(join(tmpdir(), 'cairn-profile-a-'))
  let aProfile = await launchProfile({ userDataDir: aDir })
  const bProfile = await launchProfile()
  try {
    // Device A: a vault with one file, backed up.
    const first = files.make('first.bin', 200_000)
    let a = new CairnApp(await aProfile.context.newPage())
    await a.open()
    const words = await a.createVault(PASSPHRASE)
    await useRelay(a, relayAddress)
    await a.addFiles([first.path])
    await pairBackupPeer(a, peerAddress, peer.ready.pairingCode ?? '')
    await a.goTo('Files')

    // Device B: the same vault, its own PeerId.
    const b = await restoreSecondDevice(bProfile, words, peerAddress)
    await b.expectListed([first.name])
    await useRelay(b, relayAddress)

    // Upload on A → listed on B within 5 s (pushed), and B opens it with the same bytes.
    const pushed = files.make('pushed.bin', 300_000)
    await a.addFiles([pushed.path])
    const uploaded = Date.now()
    await b.row(pushed.name).waitFor({ timeout: 5_000 })
    const pushMs = Date.now() - uploaded
    test.info().annotations.push({ type: 'push latency', description: `${pushMs} ms from upload done on A to listed on B` })
    console.log(`devices-sync: upload on A listed on B after ${pushMs} ms`)
    // B never held this file's blocks: they come from A or the backup peer as B reads.
    expect(await downloadSha256(b, pushed.name)).toBe(pushed.sha256)

    // Rename on B → on A.
    await b.rename(pushed.name, 'renamed-on-b.bin')
    await expect(a.row('renamed-on-b.bin')).toHaveCount(1, { timeout: 5_000 })
    await expect(a.row(pushed.name)).toHaveCount(0)

    // A file both devices have; then both offline (relay and backup peer gone: nothing joins them), each edits it.
    const notes = files.make('notes.txt', 4_000)
    await a.addFiles([notes.path])
    await expect(b.row(notes.name)).toHaveCount(1, { timeout: 5_000 })
    await relay.stop()
    await peer.stop()
    const notesA = files.make('notes.txt', 5_000)
    await a.addFiles([notesA.path], 'Replace')
    const notesB = files.make('notes.txt', 6_000)
    await b.addFiles([notesB.path], 'Replace')
    // Not a conflict anywhere yet: neither saw the other's edit.
    await expect(conflictRows(a)).toHaveCount(0)
    await expect(conflictRows(b)).toHaveCount(0)

    // Back online: both versions on both devices, the later as a conflict copy.
    relay = await startRelay(relay.dir, relayPort)
    peer = await startPeer({ dataDir: peer.dataDir, relay: relayAddress, wsPort: peerPort })
    const kept: string[] = []
    const copies: string[] = []
    for (const app of [a, b]) {
      await expect(conflictRows(app)).toHaveCount(1, { timeout: 120_000 })
      const plain = app.page.getByRole('row').filter({ hasText: 'notes.txt' }).filter({ hasNotText: /\(conflict, / })
      await expect(plain).toHaveCount(1)
      kept.push(await downloadSha256(app, plain.getByRole('button', { name: /^More for / })))
      // The copy shares the file's id: its Download serves its own content (by versionId), not the file's.
      copies.push(await downloadSha256(app, conflictRows(app).getByRole('button', { name: /^More for / })))
      expect(copies.at(-1), 'the copy\'s download is not the current file').not.toBe(kept.at(-1))
      // Acting on the file by its id from the copy's row would hit the other edit: only Resolve… is offered.
      await conflictRows(app).getByRole('button', { name: /^More for / }).click()
      await expect(app.page.getByRole('menu').getByRole('menuitem', { name: 'Resolve…' })).toBeVisible()
      await expect(app.page.getByRole('menu').getByRole('menuitem', { name: /^(Rename|Delete)$/ })).toHaveCount(0)
      await app.page.keyboard.press('Escape')
    }
    // Both devices ended in the same state: the same edit keeps the name on both, the other is the copy.
    expect(kept[0]).toBe(kept[1])
    expect(copies[0]).toBe(copies[1])
    expect([kept[0], copies[0]].sort()).toEqual([notesA.sha256, notesB.sha256].sort())

    // A closed; B uploads (and backs up); B closed; A reopened → A lists B's file, through the backup peer.
    await aProfile.context.close()
    const late = files.make('while-a-was-away.bin', 250_000)
    await b.addFiles([late.path])
    await expect(b.row(late.name).getByText('Backup peer')).toBeVisible({ timeout: 120_000 })
    await bProfile.context.close()
    aProfile = await launchProfile({ userDataDir: aDir })
    a = new CairnApp(await aProfile.context.newPage())
    await a.open()
    await a.unlock(PASSPHRASE)
    await a.expectUnlocked()
    await expect(a.row(late.name)).toHaveCount(1, { timeout: 60_000 })
    expect(await downloadSha256(a, late.name)).toBe(late.sha256)
  } finally {
    await aProfile.dispose()
    await bProfile.dispose()
    removeDir(aDir)
    await peer.stop()
    removeDir(peer.dataDir)
    await relay.stop()
    removeDir(relay.dir)
  }
})
