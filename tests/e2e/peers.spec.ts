import { expect, test } from './support/fixtures.ts'
import { freePort, removeDir, startPeer, startRelay, wsAddress } from './support/backup-servers.ts'

test('the Peers page shows the relay connection, its /ping capabilities, and a peer reached through it as relayed', async ({ app }) => {
  const relayPort = await freePort()
  let relay = await startRelay(undefined, relayPort)
  const peer = await startPeer({ relay: wsAddress(relay.ready.multiaddrs) })
  try {
    const relayAddress = wsAddress(relay.ready.multiaddrs)
    await app.open()
    await app.createVault('peers are people too, mostly')
    await app.goTo('Settings')
    await app.page.getByLabel('Relay addresses').fill(relayAddress)
    await app.page.getByRole('button', { name: 'Save relays' }).click()

    await app.goTo('Peers')
    const page = app.page
    const relayRow = page.getByRole('row').filter({ hasText: relay.ready.peerId.slice(-6) })
    await expect(relayRow.getByText('direct').filter({ visible: true })).toBeVisible({ timeout: 30_000 })
    // A reservation on the relay gives this browser a relayed address of its own…
    const myRelayedAddress = page.getByText(new RegExp(`${relay.ready.peerId}/p2p-circuit/p2p/`))
    await expect(myRelayedAddress.first()).toBeVisible({ timeout: 30_000 })

    // …and after the relay is killed and comes back, the app reconnects and reserves again by itself.
    await relay.kill9()
    await expect(myRelayedAddress).toHaveCount(0, { timeout: 30_000 })
    relay = await startRelay(relay.dir, relayPort)
    await expect(relayRow.getByText('direct').filter({ visible: true })).toBeVisible({ timeout: 60_000 })
    await expect(myRelayedAddress.first()).toBeVisible({ timeout: 60_000 })

    // The relay's HTTP /ping, read by the node before any dial.
    await page.getByLabel('Relay status URL').fill(`${relay.ready.http}/ping`)
    await page.getByRole('button', { name: 'Check relay' }).last().click()
    await expect(page.getByText('circuit-relay-v2')).toBeVisible()

    // A peer dialled through the relay shows as relayed; then disconnect it.
    const peerRow = page.getByRole('row').filter({ hasText: peer.ready.peerId.slice(-6) })
    const relayed = peerRow.getByText('relayed').filter({ visible: true })
    // The peer redials the restarted relay on its own backoff (up to 15 s), so a dial
    // through the relay can come before the peer is back on it; a user would press Connect again.
    await expect(async () => {
      if (await relayed.count() === 0) {
        // A dial that worked clears the field; one that failed leaves it: fill it either way.
        await page.getByLabel('Peer address').fill(`${relayAddress}/p2p-circuit/p2p/${peer.ready.peerId}`)
        await page.getByRole('button', { name: 'Connect', exact: true }).click()
      }
      await expect(relayed).toBeVisible({ timeout: 15_000 })
    }).toPass({ timeout: 90_000 })
    // Bytes in / out are counted per connection.
    await expect(peerRow.getByText(/\d+(\.\d+)? (bytes|KB|MB) \/ \d+(\.\d+)? (bytes|KB|MB)/)).toBeVisible({ timeout: 15_000 })
    await peerRow.getByRole('button', { name: 'Ping' }).click()
    await expect(peerRow.getByText(/\d+(\.\d+)? ?ms/).filter({ visible: true }).first()).toBeVisible()
    await peerRow.getByRole('button', { name: 'Disconnect' }).click()
    await expect(peerRow).toHaveCount(0)

    // A bad address gets words, not a stack trace.
    await page.getByLabel('Peer address').fill('not-an-address')
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await expect(page.getByRole('alert')).toContainText(/valid peer address|multiaddr/i)
  } finally {
    await peer.stop()
    await relay.stop()
    removeDir(peer.dataDir)
    removeDir(relay.dir)
  }
})
