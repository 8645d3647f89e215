import { pickerReturnsOpfs } from './support/opfs-folders.ts'
import type { Locator } from '@playwright/test'
import { freePort, removeDir, startPeer, startRelay, wsAddress } from './support/backup-servers.ts'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { pairByLink, useRelay } from './support/device-steps.ts'
import { expect, test } from './support/fixtures.ts'
import { addSyncedFolder, listFolder, openSyncPage, readInFolder, removeFromFolder, slowWriteDone, startSlowWrite, writeInFolder } from './support/folder-steps.ts'
import { pairBackupPeer } from './support/share-steps.ts'

/**
 * Two-way folder sync across two devices of one vault (issue 14): two
 * Chromium profiles A and B (B paired by link), a real relay and backup
 * peer, each device syncing its own folder (an OPFS directory in place of
 * the picked one) in "Two-way" mode to the same vault folder. What each
 * folder holds is read from its page, as any other program would read it.
 */

const FOLDER = 'two-way folder'
const VAULT_FOLDER = 'Shared'
const PASSPHRASE_A = 'the laptop keeps a folder in step'
const PASSPHRASE_B = 'the desktop keeps the same folder'
/** How the index names a conflict copy (core/index/conflict-name.ts): `name (conflict, DEVICE, DATE).ext`. */
const CONFLICT_COPY = /^plan \(conflict, [A-Za-z0-9 _.-]+, \d{4}-\d{2}-\d{2}(, \d+)?\)\.txt$/

test.setTimeout(240_000)

interface Servers {
  relay: Awaited<ReturnType<typeof startRelay>>
  peer: Awaited<ReturnType<typeof startPeer>>
  relayPort: number
  peerPort: number
}

interface Device { app: CairnApp, card: Locator, profile: Profile }

/** A relay and a backup peer on ports of their own, so both can be stopped and started again at the same address. */
async function startServers (): Promise<Servers> {
  const relayPort = await freePort()
  const peerPort = await freePort()
  const relay = await startRelay(undefined, relayPort)
  const peer = await startPeer({ relay: wsAddress(relay.ready.multiaddrs), wsPort: peerPort })
  return { relay, peer, relayPort, peerPort }
}

async function stopServers (servers: Servers): Promise<void> {
  await servers.peer.stop()
  await servers.relay.stop()
}

async function restartServers (servers: Servers): Promise<void> {
  servers.relay = await startRelay(servers.relay.dir, servers.relayPort)
  servers.peer = await startPeer({ dataDir: servers.peer.dataDir, relay: wsAddress(servers.relay.ready.multiaddrs), wsPort: servers.peerPort })
}

/**
 * A: a vault with its folder (holding `seed`) synced two-way to "Shared", backed up; B: paired by link,
 * its empty folder synced two-way to "Shared" too, and once every seeded file is in it. Both end on the Sync page.
 */
async function twoDevices (servers: Servers, [aProfile, bProfile]: Profile[], seed: Record<string, string>): Promise<{ a: Device, b: Device }> {
  if (aProfile === undefined || bProfile === undefined) throw new Error('two profiles are needed')
  const relay = wsAddress(servers.relay.ready.multiaddrs)
  await pickerReturnsOpfs(aProfile.context, FOLDER)
  await pickerReturnsOpfs(bProfile.context, FOLDER)
  const aApp = new CairnApp(await aProfile.context.newPage())
  await aApp.open()
  await aApp.createVault(PASSPHRASE_A)
  await useRelay(aApp, relay)
  for (const [path, text] of Object.entries(seed)) await writeInFolder(aApp.page, FOLDER, path, text)
  const aCard = await addSyncedFolder(aApp, VAULT_FOLDER, 'Two-way')
  await expect(aCard.getByTestId('sync-files')).toHaveText(String(Object.keys(seed).length))
  await pairBackupPeer(aApp, wsAddress(servers.peer.ready.multiaddrs), servers.peer.ready.pairingCode ?? '')

  const bApp = await pairByLink(aApp, bProfile, PASSPHRASE_B)
  const bCard = await addSyncedFolder(bApp, VAULT_FOLDER, 'Two-way')
  for (const [path, text] of Object.entries(seed)) {
    await expect.poll(async () => (await readInFolder(bApp.page, FOLDER, path))?.text, { message: `${path} written into B's folder`, timeout: 60_000 }).toBe(text)
  }
  await openSyncPage(aApp)
  return { a: { app: aApp, card: aCard, profile: aProfile }, b: { app: bApp, card: bCard, profile: bProfile } }
}

function syncNow (device: Device): Locator {
  return device.card.getByRole('button', { name: 'Sync now' })
}

test('a file added in B\'s folder reaches A\'s with the same bytes; one deleted in B\'s goes to .cairn-trash in A\'s; one written slowly over 5 s goes up once, whole', async () => {
  const servers = await startServers()
  const profiles = [await launchProfile(), await launchProfile()]
  try {
    const devices = await twoDevices(servers, profiles, { 'notes.txt': 'on both devices', 'old/to-delete.txt': 'deleted on B, kept in A\'s trash' })
    const { a, b } = devices

    // 1. Added in B's folder → in A's, the same bytes.
    const added = await writeInFolder(b.app.page, FOLDER, 'from B/photo.bin', { size: 300_000, seed: 7 })
    await syncNow(b).click()
    await expect.poll(async () => (await readInFolder(a.app.page, FOLDER, 'from B/photo.bin'))?.sha256, { timeout: 60_000 }).toBe(added.sha256)

    // 2. Deleted in B's folder → A's copy moved into .cairn-trash/<date>/, not deleted.
    await removeFromFolder(b.app.page, FOLDER, 'old/to-delete.txt')
    await syncNow(b).click()
    const trashed = /^\.cairn-trash\/\d{4}-\d{2}-\d{2}\/old\/to-delete\.txt$/
    await expect.poll(async () => (await listFolder(a.app.page, FOLDER)).filter(p => trashed.test(p)), { timeout: 60_000 }).toHaveLength(1)
    const inTrash = (await listFolder(a.app.page, FOLDER)).find(p => trashed.test(p)) ?? ''
    expect((await readInFolder(a.app.page, FOLDER, inTrash))?.text).toBe('deleted on B, kept in A\'s trash')
    expect(await readInFolder(a.app.page, FOLDER, 'old/to-delete.txt')).toBeUndefined()
    expect(await readInFolder(a.app.page, FOLDER, 'notes.txt')).toMatchObject({ text: 'on both devices' })

    // 4. Written slowly in B's folder: 12 appends 450 ms apart (the page's timers), each committed, so the
    // file grows on disk; scans run all along (Sync now, pressed again and again) and must leave it be.
    await startSlowWrite(b.app.page, FOLDER, 'slow/recording.bin', { pieces: 12, pieceSize: 50_000, everyMs: 450 })
    let scans = 0
    let done = await slowWriteDone(b.app.page)
    while (done === undefined) {
      await syncNow(b).click()
      await expect(syncNow(b)).toBeEnabled()
      scans++
      done = await slowWriteDone(b.app.page)
    }
    expect(done.ms, 'the write took 5 s or more').toBeGreaterThanOrEqual(5_000)
    test.info().annotations.push({ type: 'slow write', description: `${Math.round(done.ms)} ms, ${scans} scans asked for meanwhile` })
    console.log(`folder-sync-two-way: the slow write took ${Math.round(done.ms)} ms; ${scans} scans were asked for meanwhile`)
    await expect.poll(async () => (await readInFolder(a.app.page, FOLDER, 'slow/recording.bin'))?.sha256, { timeout: 60_000 }).toBe(done.sha256)
    expect((await readInFolder(b.app.page, FOLDER, 'slow/recording.bin'))?.sha256).toBe(done.sha256)
    // Sent once from B, written once into A's folder.
    await expect(b.card.getByTestId('sync-last')).toHaveText('1 added or changed')
    await expect(a.card.getByTestId('sync-last')).toHaveText('1 written from the vault')
    // One version in the vault: the whole file, never a part of it first.
    await b.app.goTo('Files')
    await (await b.app.rowMenu(`${VAULT_FOLDER}/slow/recording.bin`)).getByRole('menuitem', { name: 'Versions' }).click()
    const versions = b.app.page.getByRole('dialog', { name: 'Versions of recording.bin' })
    await expect(versions).toContainText('600 KB')
    await expect(versions.getByText(/^No earlier versions\./)).toBeVisible()
    await versions.getByRole('button', { name: 'Close' }).click()
  } finally {
    for (const profile of profiles) await profile.dispose()
    await stopServers(servers)
    removeDir(servers.peer.dataDir)
    removeDir(servers.relay.dir)
  }
})

test('one file edited in both folders while sync is paused (the devices apart), then resumed: both folders keep both edits, one under the index\'s conflict name', async () => {
  const servers = await startServers()
  const profiles = [await launchProfile(), await launchProfile()]
  try {
    const devices = await twoDevices(servers, profiles, { 'plan.txt': 'the plan, as both devices first had it' })
    const { a, b } = devices
    for (const device of [a, b]) {
      await device.card.getByRole('button', { name: 'Pause' }).click()
      await expect(device.card.getByTestId('sync-state')).toHaveText('Paused')
    }
    // Apart (nothing joins them), so neither device's edit reaches the vault before the other's is made.
    await stopServers(servers)
    const edits = {
      a: await writeInFolder(a.app.page, FOLDER, 'plan.txt', 'the plan, edited on A'),
      b: await writeInFolder(b.app.page, FOLDER, 'plan.txt', 'the plan, edited on B, at more length')
    }
    for (const device of [a, b]) {
      await device.card.getByRole('button', { name: 'Resume' }).click()
      await expect(device.card.getByTestId('sync-last')).toHaveText('1 added or changed', { timeout: 60_000 })
      await expect(device.card.getByTestId('sync-state')).toHaveText('In step')
    }
    await restartServers(servers)

    // Together again: each folder holds plan.txt and one conflict copy, both edits, and the same one under the name on both.
    const both = [edits.a.text, edits.b.text].sort()
    const held = async (device: Device): Promise<string[]> => {
      const paths = (await listFolder(device.app.page, FOLDER)).filter(p => p === 'plan.txt' || CONFLICT_COPY.test(p)).sort().reverse()
      return await Promise.all(paths.map(async (path) => (await readInFolder(device.app.page, FOLDER, path))?.text ?? ''))
    }
    for (const [name, device] of Object.entries({ a, b })) {
      await expect.poll(async () => [...await held(device)].sort(), { message: `both edits in ${name.toUpperCase()}'s folder`, timeout: 120_000 }).toEqual(both)
    }
    // plan.txt first, then its copy: the edit that holds the name is the same on both.
    const onB = await held(b)
    await expect.poll(async () => await held(a), { timeout: 60_000 }).toEqual(onB)
    expect(await held(b)).toEqual(onB)
    // The copy is the index's (a concurrent edit the Files page offers to resolve), not a file of its own.
    await a.app.goTo('Files')
    await a.app.search('plan')
    const copyRow = a.app.page.getByRole('row').filter({ hasText: /\(conflict, / })
    await expect(copyRow).toHaveCount(1)
    await copyRow.getByRole('button', { name: /^More for / }).click()
    await expect(a.app.page.getByRole('menu').getByRole('menuitem', { name: 'Resolve…' })).toBeVisible()
    await a.app.page.keyboard.press('Escape')
  } finally {
    for (const profile of profiles) await profile.dispose()
    await stopServers(servers)
    removeDir(servers.peer.dataDir)
    removeDir(servers.relay.dir)
  }
})
