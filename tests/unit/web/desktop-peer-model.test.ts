import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import type { BackupPeerInfo, DesktopBackupPeerInfo } from '../../../core/rpc/api.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { isDesktopApp } from '../../../web/lib/desktop-host.ts'
import { createDesktopPeerModel } from '../../../web/models/desktop-peer-model.ts'
import { createTestClient, fail } from './fake-rpc.ts'

const ADDRESS = '/dns4/relay.example/tcp/443/wss/p2p/RelayR/p2p-circuit/p2p/PeerD'

function setup () {
  let enabled = true
  let codes = 0
  const peers = signal<BackupPeerInfo[]>([])
  const info = (): DesktopBackupPeerInfo | null => enabled ? { peerId: 'PeerD', address: ADDRESS, pairingCode: `AAAA-BBBB-CCCC-000${++codes}` } : null
  let refreshed = 0
  const client = createTestClient({
    'desktop.backupPeer.info': async () => info(),
    'desktop.backupPeer.setEnabled': async (args) => { enabled = args.enabled; return info() },
    'backup.add': async ({ address, code }) => {
      if (code !== 'AAAA-BBBB-CCCC-0001') fail('PAIRING_REFUSED')
      const added: BackupPeerInfo = { peerId: 'PeerD', address, online: true, lastSeen: 1, filesReplicated: 0, bytesReplicated: 0, pending: 2, failed: [] }
      peers.value = [added]
      return { ...added, reconnected: false }
    }
  })
  const model = createDesktopPeerModel({ client, peers, onPaired: () => { refreshed++ } })
  return { client, model, refreshed: () => refreshed }
}

test('the card shows the desktop peer\'s address and a code; "Use it for this vault" pairs with exactly those, then shows a fresh code', async () => {
  const { client, model, refreshed } = setup()
  await model.load()
  assert.equal(model.info.value?.address, ADDRESS)
  assert.equal(model.info.value?.pairingCode, 'AAAA-BBBB-CCCC-0001')
  assert.equal(model.usedByVault.value, false)

  await model.useForVault()
  assert.deepEqual(client.calls.find(c => c.method === 'backup.add')?.args, { address: ADDRESS, code: 'AAAA-BBBB-CCCC-0001' })
  assert.equal(model.error.value, undefined)
  assert.equal(model.paired.value?.peerId, 'PeerD')
  assert.equal(refreshed(), 1, 'the Backup page lists the new peer')
  assert.equal(model.usedByVault.value, true, 'the card says this vault backs up here')
  assert.equal(model.info.value?.pairingCode, 'AAAA-BBBB-CCCC-0002', 'the spent code is replaced')

  // A spent code, in words, on the card.
  await model.useForVault()
  assert.equal(model.error.value, messageForCode('PAIRING_REFUSED'))
})

test('turning it off shows the "Serve as a backup peer" state; on again brings the address back; lock forgets the code', async () => {
  const { model } = setup()
  await model.load()
  await model.setEnabled(false)
  assert.equal(model.info.value, null)
  assert.equal(model.loaded.value, true)
  await model.setEnabled(true)
  assert.equal(model.info.peek()?.address, ADDRESS)
  model.reset()
  assert.equal(model.info.value, null)
  assert.equal(model.loaded.value, false)
})

test('in a browser the setting is refused in words (DESKTOP_ONLY)', async () => {
  const client = createTestClient({ 'desktop.backupPeer.setEnabled': async () => fail('DESKTOP_ONLY') })
  const model = createDesktopPeerModel({ client, peers: signal([]) })
  await model.setEnabled(true)
  assert.equal(model.error.value, messageForCode('DESKTOP_ONLY'))
})

test('the desktop app is told apart by its <meta name="cairn-host" content="desktop">, nothing else', () => {
  const page = (content: string | undefined): Pick<Document, 'querySelector'> => ({
    querySelector: ((selector: string) => selector === 'meta[name="cairn-host"]' && content !== undefined
      ? { getAttribute: (name: string) => name === 'content' ? content : null }
      : null) as unknown as Document['querySelector']
  })
  assert.equal(isDesktopApp(page('desktop')), true)
  assert.equal(isDesktopApp(page('browser')), false)
  assert.equal(isDesktopApp(page(undefined)), false)
  assert.equal(isDesktopApp(undefined), false, 'no document (Node): not the desktop window')
})

// A damaged desktop-backup-peer.json (CONFIG_INVALID from info) left the card with a bare
// error and no button: the user could neither turn the backup peer on nor keep it off.
test('a damaged settings file: the card says so and still offers to turn it on or keep it off', async () => {
  let damaged = true
  let enabled = false
  const client = createTestClient({
    'desktop.backupPeer.info': async () => { if (damaged) fail('CONFIG_INVALID'); return enabled ? { peerId: 'PeerD', address: ADDRESS, pairingCode: 'AAAA-BBBB-CCCC-0001' } : null },
    'desktop.backupPeer.setEnabled': async (args) => { damaged = false; enabled = args.enabled; return enabled ? { peerId: 'PeerD', address: ADDRESS, pairingCode: 'AAAA-BBBB-CCCC-0001' } : null }
  })
  const model = createDesktopPeerModel({ client, peers: signal([]) })
  await model.load()
  assert.equal(model.loaded.value, true, 'the card shows its choice, not only an error')
  assert.equal(model.info.value, null)
  assert.equal(model.settingsDamaged.value, true)
  assert.equal(model.error.value, undefined)
  await model.setEnabled(true)
  assert.equal(model.settingsDamaged.value, false)
  assert.equal(model.info.peek()?.address, ADDRESS)
})

// A backup peer turned on that could not start (INTERNAL from info) left the card with
// "Something went wrong" and no button: the user could not turn it off from there.
test('a backup peer that is on but could not start: the card says so and offers Try again and turning it off', async () => {
  let failing = true
  let enabled = true
  const client = createTestClient({
    'desktop.backupPeer.info': async () => { if (enabled && failing) fail('INTERNAL'); return enabled ? { peerId: 'PeerD', address: ADDRESS, pairingCode: 'AAAA-BBBB-CCCC-0001' } : null },
    'desktop.backupPeer.setEnabled': async (args) => { enabled = args.enabled; return enabled && !failing ? { peerId: 'PeerD', address: ADDRESS, pairingCode: 'AAAA-BBBB-CCCC-0001' } : null }
  })
  const model = createDesktopPeerModel({ client, peers: signal([]) })
  await model.load()
  assert.equal(model.loaded.value, true, 'the card shows its choice, not only an error')
  assert.equal(model.startFailed.value, true)
  assert.equal(model.settingsDamaged.value, false)
  await model.setEnabled(false)
  assert.equal(model.startFailed.value, false)
  assert.equal(model.info.value, null)
  // Turned on again once the cause is gone: it serves.
  failing = false
  await model.setEnabled(true)
  assert.equal(model.info.peek()?.address, ADDRESS)
})
