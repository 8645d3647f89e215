import { expect, test } from './support/fixtures.ts'
import { filesContaining, freePort, removeDir, startPeer, startRelay, wsAddress } from './support/backup-servers.ts'
import { searchProcessMemory } from './support/process-memory.ts'

const PASSPHRASE = 'crashes happen, data stays'

test('replication survives kill -9 of the peer and of the relay, with no reload of the app', async ({ app, files }) => {
  test.setTimeout(300_000)
  const relayPort = await freePort()
  const peerPort = await freePort()
  // Fixed ports: restarts come back on the same addresses (the key file keeps the ids).
  let relay = await startRelay(undefined, relayPort)
  let peer = await startPeer({ relay: wsAddress(relay.ready.multiaddrs), wsPort: peerPort })
  const relayAddress = wsAddress(relay.ready.multiaddrs)
  // Reach the peer only through the relay, so the relay's restart matters to replication.
  const peerViaRelay = `${relayAddress}/p2p-circuit/p2p/${peer.ready.peerId}`
  try {
    const big = files.make('big-80MB.bin', 80 * 1000 * 1000)
    const small = files.make('small.txt', 3000)
    await app.open()
    await app.createVault(PASSPHRASE)
    await app.goTo('Settings')
    await app.page.getByLabel('Relay addresses').fill(relayAddress)
    await app.page.getByRole('button', { name: 'Save relays' }).click()
    await app.goTo('Files')
    await app.addFiles([big.path, small.path])

    await app.goTo('Backup')
    await app.page.getByLabel('Backup peer address').fill(peerViaRelay)
    await app.page.getByLabel('Pairing code').fill(peer.ready.pairingCode ?? '')
    await app.page.getByRole('button', { name: 'Add backup peer' }).click()
    await expect(app.page.getByTestId('replication-summary')).toBeVisible({ timeout: 60_000 })

    // kill -9 the peer in the middle of replication, then start it again on the same data.
    await peer.kill9()
    peer = await startPeer({ dataDir: peer.dataDir, relay: relayAddress, wsPort: peerPort })
    await expect(app.page.getByText('All files replicated')).toBeVisible({ timeout: 180_000 })
    await app.page.getByRole('button', { name: 'Verify now' }).click()
    await expect(app.page.getByText(/all good/i)).toBeVisible({ timeout: 60_000 })

    // 80 MB went through the relay: its memory holds none of the plaintext, and the peer's disk neither.
    const relayMemory = searchProcessMemory(relay.child.pid ?? 0, { 'content marker': files.marker })
    expect(relayMemory.bytesScanned).toBeGreaterThan(10 * 1024 * 1024)
    expect(relayMemory.found).toEqual([])
    expect(filesContaining(peer.dataDir, [files.marker])).toEqual([])

    // kill -9 the relay and bring it back: the app and the peer reconnect by themselves.
    await relay.kill9()
    relay = await startRelay(relay.dir, relayPort)
    const later = files.make('after-relay-restart.bin', 5 * 1000 * 1000)
    await app.goTo('Files')
    await app.addFiles([later.path])
    await app.goTo('Backup')
    await expect(app.page.getByText('All files replicated')).toBeVisible({ timeout: 180_000 })
    await app.goTo('Files')
    await expect(app.row(later.name).getByText('Backup peer')).toBeVisible({ timeout: 60_000 })
  } finally {
    await peer.stop()
    await relay.stop()
    removeDir(peer.dataDir)
    removeDir(relay.dir)
  }
})
