import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { appendFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { isCairnError } from '../../../core/errors.ts'
import { controlRequest } from '../../../relay-server/peer/control-socket.ts'
import type { PeerStatus } from '../../../relay-server/peer/peer-status.ts'
import { startRelay } from '../../../relay-server/relay/start-relay.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { collectAll, collectBytes } from '../../contract/block-fixtures.ts'
import { eventually, runCli, spawnPeer, startDevice, tempDir, wsAddress } from './support.ts'

const CHILD = new URL('./block-writer-child.ts', import.meta.url).pathname

async function hashMatches (cid: CID, bytes: Uint8Array): Promise<boolean> {
  const digest = await sha256.digest(bytes)
  return cid.multihash.code === digest.code && Buffer.from(cid.multihash.digest).equals(Buffer.from(digest.digest))
}

describe('cairn-peer process', () => {
  it('prints READY, answers status, locks its data directory, exits 0 on SIGTERM and keeps its PeerId', async () => {
    const dir = await tempDir()
    try {
      const peer = await spawnPeer(dir.path)
      const { peerId, multiaddrs } = peer.ready
      assert.match(peerId, /^12D3KooW/)
      assert.ok(multiaddrs.length > 0 && multiaddrs.every((ma) => ma.endsWith(`/p2p/${peerId}`)), 'every address names the peer')
      assert.match(wsAddress(peer.ready), /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\//)
      assert.ok('pairingCode' in peer.ready)

      // The CLI runs are independent: run them side by side (each spawn costs a second or two).
      const [status, human, second] = await Promise.all([
        runCli(['status', '--json', '--data-dir', dir.path]),
        runCli(['status', '--data-dir', dir.path]),
        runCli(['--data-dir', dir.path, '--ws-port', '0', '--no-webrtc-direct'])
      ])
      assert.equal(status.code, 0, status.stderr)
      const parsed = JSON.parse(status.stdout) as PeerStatus
      assert.equal(parsed.peerId, peerId)
      assert.equal(parsed.storage.blocks, 0)
      assert.equal(human.code, 0)
      assert.match(human.stdout, new RegExp(`cairn-peer \\S+ {2}${peerId}`))
      assert.match(human.stdout, /vaults: 0 paired/)
      assert.equal(second.code, 1, 'a second peer on the same data directory refuses to start')
      assert.match(second.stderr, /Another cairn-peer is running on this data directory/)

      assert.equal(await peer.stop(), 0)
      assert.match(peer.log(), /"msg":"stopped"/)
      assert.doesNotMatch(peer.log(), /"level":"error"/)
      await assert.rejects(controlRequest(dir.path, 'status'), (err: unknown) => isCairnError(err, 'PEER_UNREACHABLE'), 'nobody answers once it stopped')

      const again = await spawnPeer(dir.path)
      assert.equal(again.ready.peerId, peerId, 'the key lives in the datastore')
      assert.equal(await again.stop(), 0, again.log())
    } finally {
      await dir.cleanup()
    }
  })

  it('after kill -9 in the middle of writes, restarts with every flushed block readable and intact', async () => {
    const dir = await tempDir()
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir.path, '6'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
    const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
    try {
      const written = await new Promise<{ peerId: string, cids: string[] }>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`no BLOCKS_DURABLE line:\n${stderr}`)) }, 30_000)
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (!line.startsWith('BLOCKS_DURABLE ')) return
          clearTimeout(timer)
          resolve(JSON.parse(line.slice('BLOCKS_DURABLE '.length)) as { peerId: string, cids: string[] })
        })
      })
      // Let it get well into the unflushed writes (a MiB past the flushed ones), then kill it with no chance to clean up.
      const blocksDir = join(dir.path, 'blocks')
      const packBytes = async (): Promise<number> => {
        let total = 0
        for (const name of await readdir(blocksDir)) if (name.endsWith('.pack')) total += (await stat(join(blocksDir, name))).size
        return total
      }
      const flushedBytes = await packBytes()
      assert.ok(await eventually(async () => await packBytes() > flushedBytes + (1 << 20), 30_000), 'the child writes past its flushed blocks')
      child.kill('SIGKILL')
      await exited
      // Where the kill landed is luck; make sure the store has what a kill mid-write leaves:
      // block bytes no record names at the end of the newest pack, and half a record in its journal.
      const newest = (await readdir(blocksDir)).filter((name) => name.endsWith('.pack')).sort().at(-1) ?? assert.fail('no pack file')
      await appendFile(join(blocksDir, newest), new Uint8Array(4096).fill(0xab))
      await appendFile(join(blocksDir, newest.replace(/\.pack$/, '.jrnl')), new Uint8Array(7).fill(0xcd))

      const peer = await spawnPeer(dir.path)
      assert.equal(peer.ready.peerId, written.peerId)
      const repaired = peer.log().split('\n').filter((line) => line.includes('"msg":"repaired the block store after an unclean stop"'))
      assert.equal(repaired.length, 1, `the peer says it repaired its store:\n${peer.log()}`)
      const report = JSON.parse(repaired[0]!) as { truncatedPackBytes: number, truncatedJournalBytes: number }
      assert.ok(report.truncatedPackBytes >= 4096, `cut the unrecorded pack tail: ${repaired[0]}`)
      assert.ok(report.truncatedJournalBytes >= 7, `cut the torn journal record: ${repaired[0]}`)
      assert.doesNotMatch(peer.log(), /"level":"error"/)
      // (These blocks belong to no paired vault, so the peer serves them to nobody over bitswap: block-access.test.ts;
      // the store is read directly below.)
      assert.equal(await peer.stop(), 0)

      // Every block the store lists reads back and hashes to its CID: nothing torn survived recovery.
      const store = await createFsBlockstore(join(dir.path, 'blocks'))
      try {
        const pairs = await collectAll(store.getAll())
        assert.ok(pairs.length >= written.cids.length, `${pairs.length} blocks kept`)
        const kept = new Set(pairs.map(({ cid }) => cid.toString()))
        for (const text of written.cids) assert.ok(kept.has(CID.parse(text).toString()), `flushed block ${text} kept`)
        for (const { cid, bytes } of pairs) assert.ok(await hashMatches(cid, await collectBytes(bytes)), `block ${cid.toString()} intact`)
      } finally {
        await store.stop()
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await dir.cleanup()
    }
  })

  it('holds a reservation on its relay, and makes it again after the relay restarts', async () => {
    const dir = await tempDir()
    const keyFile = join(dir.path, 'relay-key')
    const relayInit = { webrtcDirect: false, keyFile, httpPort: 0, connectionRatePerIp: 10_000 }
    const quiet = { log: createLogger({ level: 'silent' }) }
    let relay = await startRelay({ ...relayInit, wsPort: 0 }, quiet)
    const relayAddr = relay.multiaddrs.find((ma) => ma.includes('/ws/'))
    assert.ok(relayAddr !== undefined)
    const wsPort = Number(multiaddr(relayAddr).getComponents().find((c) => c.name === 'tcp')?.value)
    const peerDir = join(dir.path, 'peer')
    const peer = await spawnPeer(peerDir, ['--relay', relayAddr])
    const circuit = `/p2p/${relay.peerId}/p2p-circuit/p2p/${peer.ready.peerId}`
    let device
    try {
      assert.ok(peer.ready.multiaddrs.some((ma) => ma.endsWith(circuit)), `READY lists the relayed address: ${peer.ready.multiaddrs.join(' ')}`)

      // A device reaches the peer through the relay alone.
      device = await startDevice()
      const relayed = peer.ready.multiaddrs.find((ma) => ma.endsWith(circuit)) as string
      const connection = await device.libp2p.dial(multiaddr(relayed), { signal: AbortSignal.timeout(10_000) })
      assert.ok(connection.remoteAddr.toString().includes('/p2p-circuit'))
      await device.stop()
      device = undefined

      await relay.stop()
      const reserved = async (): Promise<boolean> => {
        const status = await controlRequest(peerDir, 'status') as PeerStatus
        return status.relays.length === 1 && status.relays[0]?.reserved === true
      }
      assert.ok(await eventually(async () => !(await reserved()), 10_000), 'the reservation goes when the relay does')
      relay = await startRelay({ ...relayInit, wsPort }, quiet)
      assert.ok(await eventually(reserved, 30_000, 200), 'the reservation is made again without a restart of the peer')
    } finally {
      await device?.stop()
      assert.equal(await peer.stop(), 0)
      await relay.stop()
      await dir.cleanup()
    }
  })
})
