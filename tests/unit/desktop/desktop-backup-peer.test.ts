import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { notOnThisHostHandlers } from '../../../core/node/desktop-only-handlers.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVaultNode, type VaultNode } from '../../../core/node/vault-node.ts'
import type { HandlerMap } from '../../../core/rpc/handlers.ts'
import { createDesktopBackupPeer, createDesktopPeerHandlers, type DesktopBackupPeer } from '../../../desktop/daemon/backup-peer.ts'
import { openDesktopStores, type DesktopStores } from '../../../desktop/daemon/desktop-stores.ts'
import { desktopNodeHost } from '../../../desktop/daemon/node-host.ts'
import { multiaddr } from '@multiformats/multiaddr'
import type { BackupStatus } from '../../../relay-server/peer/backup-factory.ts'
import { startRelay } from '../../../relay-server/relay/start-relay.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { startDevice as startPlainNode, tempDir } from '../peer/support.ts'
import { waitFor } from '../support/polling.ts'
import { PASSPHRASE } from '../vault/share-test-support.ts'

const CODE = /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/
/** A line no ciphertext contains by chance: found on the peer's disk only if plaintext got there. */
const MARKER = 'cairn desktop peer plaintext marker 7f3a9c'

/** Every file under `dir`, read whole. */
async function filesUnder (dir: string): Promise<Array<{ path: string, bytes: Buffer }>> {
  const out: Array<{ path: string, bytes: Buffer }> = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out.push({ path, bytes: await readFile(path) })
  }
  return out
}

function peerOf (dataDir: string, logs = new LogBuffer()): DesktopBackupPeer {
  return createDesktopBackupPeer({ dataDir, listenNetwork: false, relays: async () => [], logs })
}

function portOf (address: string): string | undefined {
  return /\/tcp\/(\d+)\/ws\//.exec(address)?.[1]
}

describe('the desktop as a backup peer', () => {
  let dirs: Array<{ path: string, cleanup: () => Promise<void> }> = []
  const peers: DesktopBackupPeer[] = []
  let node: VaultNode | undefined
  let stores: DesktopStores | undefined

  before(async () => {
    dirs = [await tempDir('cairn-desktop-peer-'), await tempDir('cairn-desktop-node-')]
  })

  after(async () => {
    await node?.stop()
    await stores?.stop()
    for (const peer of peers) await peer.stop()
    for (const dir of dirs) await dir.cleanup()
  })

  it('pairs a vault node with info()\'s address and code, and holds its file as ciphertext only', async () => {
    const dataDir = dirs[0]?.path ?? ''
    const peer = peerOf(dataDir)
    peers.push(peer)
    await peer.start()
    const logs = new LogBuffer()
    stores = await openDesktopStores(dirs[1]?.path ?? '', logs.for('storage'))
    node = await startVaultNode(desktopNodeHost({ stores, logs, emit: () => {}, origin: 'http://127.0.0.1:1', relays: [], listenNetwork: false, dataDir: dirs[1]?.path ?? '' }))
    // As start-desktop merges them: the desktop's own answers over the node's.
    const handlers: HandlerMap = { ...node.handlers, ...createDesktopPeerHandlers(peer) }

    const info = await handlers['desktop.backupPeer.info'](undefined)
    assert.ok(info !== null)
    assert.match(info.pairingCode, CODE)
    assert.ok(info.address.startsWith('/ip4/127.0.0.1/tcp/') && info.address.endsWith(`/ws/p2p/${info.peerId}`), info.address)
    assert.notEqual(info.peerId, node.helia.libp2p.peerId.toString(), 'the peer has its own identity')

    await handlers['vault.create']({ passphrase: PASSPHRASE })
    const text = (MARKER + '\n').repeat(8000)
    const added = await handlers['files.add']({ uploadId: 'u1', file: new File([text], 'secret-plan.txt', { type: 'text/plain' }) })
    const paired = await handlers['backup.add']({ address: info.address, code: info.pairingCode })
    assert.equal(paired.peerId, info.peerId)
    await waitFor(async () => {
      const listed = (await handlers['backup.list'](undefined)).find((p) => p.peerId === info.peerId)
      return listed !== undefined && listed.filesReplicated === 1 && listed.pending === 0
    }, 30_000, 'the desktop\'s backup peer holds the file')
    assert.ok(added.file.cid !== '')

    const running = peer.running()
    assert.ok(running !== undefined)
    // The vault node serves its paired peer over the batched exchange: no block came over bitswap.
    const blocks = ((await running.status()).backup as BackupStatus).blocks
    assert.ok(blocks !== undefined && blocks.viaExchange > 0, 'blocks came over the exchange')
    assert.equal(blocks.viaFallback, 0)
    await running.blockstore.flush()
    assert.ok(running.blockstore.stats().bytes >= text.length, 'the file\'s blocks are on the peer\'s disk')
    const onDisk = await filesUnder(join(dataDir, 'backup-peer'))
    assert.ok(onDisk.length > 0)
    for (const { path, bytes } of onDisk) {
      assert.equal(bytes.indexOf(MARKER), -1, `no plaintext of the file in ${path}`)
      assert.equal(bytes.indexOf('secret-plan'), -1, `no file name in ${path}`)
    }

    // A fresh code each time; the one used above no longer pairs.
    const again = await peer.info()
    assert.ok(again !== null && again.pairingCode !== info.pairingCode && again.address === info.address)
  })

  it('keeps its port and identity across restarts', async () => {
    const dataDir = (await tempDir('cairn-desktop-peer-port-')).path
    dirs.push({ path: dataDir, cleanup: async () => {} })
    const first = peerOf(dataDir)
    const before = await first.info()
    await first.stop()
    assert.equal(first.running(), undefined)
    const second = peerOf(dataDir)
    peers.push(second)
    const after = await second.info()
    assert.ok(before !== null && after !== null)
    assert.ok(portOf(before.address) !== undefined && portOf(before.address) !== '0')
    assert.equal(portOf(after.address), portOf(before.address), 'the same port after a restart')
    assert.equal(after.peerId, before.peerId, 'the same identity after a restart')
    assert.equal(after.address, before.address)
  })

  it('turned off: stopped, info() is null, and it stays off after a restart until turned on', async () => {
    const dataDir = (await tempDir('cairn-desktop-peer-off-')).path
    dirs.push({ path: dataDir, cleanup: async () => {} })
    const peer = peerOf(dataDir)
    assert.equal(peer.enabled(), true, 'on by default')
    const on = await peer.info()
    assert.ok(on !== null)
    const handlers = createDesktopPeerHandlers(peer)
    assert.equal(await handlers['desktop.backupPeer.setEnabled']({ enabled: false }), null)
    assert.equal(peer.running(), undefined)
    assert.equal(await peer.info(), null)

    const restarted = peerOf(dataDir)
    peers.push(restarted)
    await restarted.start()
    assert.equal(restarted.enabled(), false)
    assert.equal(restarted.running(), undefined)
    assert.equal(await restarted.info(), null)
    const back = await createDesktopPeerHandlers(restarted)['desktop.backupPeer.setEnabled']({ enabled: true })
    assert.ok(back !== null)
    assert.equal(back.peerId, on.peerId)
    assert.equal(back.address, on.address, 'the same address once it is on again')
  })

  // A damaged settings file used to read as the defaults: a peer the user had turned off
  // started serving again, and a new port was picked and written over the file, so the
  // vaults paired with it lost its address, with no word to anyone.
  it('a damaged settings file: not started, not written over, said in words; turning it off or on writes a good one and keeps the old bytes aside', async () => {
    for (const choice of [false, true]) {
      const dataDir = (await tempDir('cairn-desktop-peer-damaged-')).path
      dirs.push({ path: dataDir, cleanup: async () => {} })
      const peerDir = join(dataDir, 'backup-peer')
      const file = join(peerDir, 'desktop-backup-peer.json')
      const damaged = '{"enabled": false, "wsPort": 41'
      await mkdir(peerDir, { recursive: true })
      await writeFile(file, damaged)
      const logs = new LogBuffer()
      const peer = peerOf(dataDir, logs)
      peers.push(peer)
      await peer.start()
      // (assert.ok: a failing equal would print the whole running peer)
      assert.ok(peer.running() === undefined, 'a peer the user may have turned off does not start')
      assert.equal(await readFile(file, 'utf8'), damaged, 'nothing is written over it')
      assert.ok(logs.recent().some((line) => line.level === 'error' && line.message.includes(file) && /damaged/.test(line.message)), 'the log names the file')
      await assert.rejects(peer.info(), (err: unknown) => isCairnError(err, 'CONFIG_INVALID') && err.message.includes(file))
      assert.equal(await readFile(file, 'utf8'), damaged)

      // The user chooses on the card: a good file is written, the damaged bytes kept beside it.
      const after = await createDesktopPeerHandlers(peer)['desktop.backupPeer.setEnabled']({ enabled: choice })
      assert.equal(after !== null, choice)
      assert.equal(peer.running() !== undefined, choice)
      assert.equal(await readFile(`${file}.damaged`, 'utf8'), damaged)
      const saved = JSON.parse(await readFile(file, 'utf8')) as { enabled: unknown }
      assert.equal(saved.enabled, choice)
      await peer.stop()
    }
  })

  // A peer that is on but could not start (its stores damaged) answered info() with null,
  // which the card shows as "Turned off", and its "Serve as a backup peer" did nothing: the
  // user was told they had turned it off when it had failed.
  it('on but unable to start: info() fails with the reason instead of reading as "turned off"', async () => {
    const dataDir = (await tempDir('cairn-desktop-peer-broken-')).path
    dirs.push({ path: dataDir, cleanup: async () => {} })
    await mkdir(join(dataDir, 'backup-peer', 'datastore'), { recursive: true })
    await writeFile(join(dataDir, 'backup-peer', 'datastore', 'datastore.sqlite'), 'not a database, not at all'.repeat(200))
    const logs = new LogBuffer()
    const peer = peerOf(dataDir, logs)
    peers.push(peer)
    await peer.start()
    assert.ok(peer.running() === undefined)
    await assert.rejects(peer.info(), (err: unknown) => isCairnError(err, 'INTERNAL') && /could not start/.test(err.message))
    await assert.rejects(createDesktopPeerHandlers(peer)['desktop.backupPeer.setEnabled']({ enabled: true }), /could not start/)
    assert.ok(logs.recent().some((line) => line.level === 'error' && /could not start the backup peer/.test(line.message)))
  })

  it('takes a reservation on the desktop node\'s relays (when they change too) and gives the relayed address', async () => {
    const dataDir = (await tempDir('cairn-desktop-peer-relay-')).path
    dirs.push({ path: dataDir, cleanup: async () => {} })
    const relayDir = await tempDir('cairn-desktop-relay-')
    dirs.push(relayDir)
    const relay = await startRelay({ wsPort: 0, httpPort: 0, webrtcDirect: false, connectionRatePerIp: 10_000, keyFile: join(relayDir.path, 'key') }, { log: createLogger({ level: 'silent' }) })
    const device = await startPlainNode()
    try {
      const relayAddress = relay.multiaddrs.find((ma) => ma.includes('/ws/'))
      assert.ok(relayAddress !== undefined)
      let relays: string[] = []
      const peer = createDesktopBackupPeer({ dataDir, listenNetwork: false, relays: async () => relays, logs: new LogBuffer() })
      peers.push(peer)
      const direct = await peer.info()
      assert.ok(direct !== null && !direct.address.includes('/p2p-circuit'), 'no relay yet: its own WebSocket address')

      // The user set a relay in the app: the next info() restarts the peer on it.
      relays = [relayAddress]
      const relayed = await peer.info()
      assert.ok(relayed !== null)
      assert.equal(relayed.peerId, direct.peerId)
      assert.ok(relayed.address.endsWith(`/p2p/${relay.peerId}/p2p-circuit/p2p/${relayed.peerId}`), relayed.address)
      // A device elsewhere reaches it through the relay alone.
      const connection = await device.libp2p.dial(multiaddr(relayed.address), { signal: AbortSignal.timeout(10_000) })
      assert.equal(connection.remotePeer.toString(), relayed.peerId)
    } finally {
      await device.stop()
      await relay.stop()
    }
  })

  it('a browser\'s node has no backup peer: info() is null and turning it on is DESKTOP_ONLY', async () => {
    const handlers = notOnThisHostHandlers()
    assert.equal(await handlers['desktop.backupPeer.info'](undefined), null)
    await assert.rejects(handlers['desktop.backupPeer.setEnabled']({ enabled: true }), (err: unknown) => isCairnError(err, 'DESKTOP_ONLY'))
  })
})
