import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { webSockets } from '@libp2p/websockets'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createNode } from '../../../core/node/create-node.ts'
import { BackupService } from '../../../core/protocols/backup/backup-service.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { isCairnError } from '../../../core/errors.ts'
import { NonceCache } from '../../../core/protocols/backup/pairing.ts'
import { PairingCodeBook } from '../../../core/protocols/backup/pairing-code-book.ts'
import { ipBucket, PairingLimiter } from '../../../core/protocols/backup/pairing-limiter.ts'
import { RequestHandlers, type RequestHandlerComponents } from '../../../core/protocols/backup/request-handlers.ts'
import { signRequest } from '../../../core/protocols/backup/request-signing.ts'
import { VaultLedger } from '../../../core/protocols/backup/vault-ledger.ts'
import { addressOf, MemoryLog, startDevice, stopPeer, type TestDevice, type TestPeer } from './helpers.ts'
import type { PairRequest, StatusRequest } from '../../../core/protocols/backup/messages.ts'

const MINUTE = 60_000
const refused = (err: unknown): boolean => isCairnError(err, 'PAIRING_REFUSED')

test('wrong codes are limited per source: a stranger uses up only their own tries', () => {
  const limiter = new PairingLimiter({ perPeer: 3, perIp: 10 })
  const t0 = 1_000_000
  const stranger = { peer: 'stranger', ip: '203.0.113.7' }
  for (let i = 0; i < 3; i++) limiter.record(stranger, t0)
  assert.equal(limiter.allows(stranger, t0), false, 'the stranger\'s peer is stopped')
  // 30 more wrong codes a minute from fresh peer ids on the stranger's IP, far over any old total of 20.
  for (let i = 0; i < 30; i++) limiter.record({ peer: `s${i}`, ip: '203.0.113.7' }, t0)
  assert.equal(limiter.allows({ peer: 'fresh', ip: '203.0.113.7' }, t0), false, 'the stranger\'s IP is stopped')
  assert.equal(limiter.allows({ peer: 'owner', ip: '198.51.100.2' }, t0), true, 'the owner, elsewhere, may still pair')
  assert.equal(limiter.allows({ peer: 'owner-relayed' }, t0), true, 'and so may the owner through a relay')
  assert.equal(limiter.allows(stranger, t0 + MINUTE + 1), true, 'after a minute the stranger may try again')
})

test('an IPv6 /64 counts as one source; loopback is never limited by IP', () => {
  assert.equal(ipBucket('2001:db8:1:2:aaaa::1'), ipBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee'))
  assert.notEqual(ipBucket('2001:db8:1:2::1'), ipBucket('2001:db8:1:3::1'))
  assert.equal(ipBucket('::ffff:192.0.2.1'), '192.0.2.1')
  assert.equal(ipBucket('127.0.0.1'), undefined)
  assert.equal(ipBucket('::1'), undefined)
  const limiter = new PairingLimiter({ perPeer: 3, perIp: 10 })
  for (let i = 0; i < 50; i++) limiter.record({ peer: `s${i}`, ip: '127.0.0.1' }, 0)
  assert.equal(limiter.allows({ peer: 'owner', ip: '127.0.0.1' }, 0), true)
  for (let i = 0; i < 10; i++) limiter.record({ peer: `v${i}`, ip: `2001:db8:1:2::${i}` }, 0)
  assert.equal(limiter.allows({ peer: 'other', ip: '2001:db8:1:2:ffff::9' }, 0), false)
})

test('a pairing code expires after its time; a fresh one pairs', async () => {
  let now = 5_000_000
  const book = new PairingCodeBook(new MemoryDatastore(), { ttlMs: 15 * MINUTE, now: () => now })
  const code = await book.create()
  assert.ok(book.match(code) !== undefined)
  now += 15 * MINUTE - 1
  assert.deepEqual(book.list(), [code])
  now += 1
  assert.equal(book.match(code), undefined, 'expired')
  assert.deepEqual(book.list(), [])
  const fresh = await book.create()
  assert.ok(book.match(fresh) !== undefined)
})

let peer: TestPeer
let clock = Date.now()
const devices: TestDevice[] = []

before(async () => {
  // Many strangers dial from 127.0.0.1 within a second: lift libp2p's own 5-a-second limit per host.
  const helia = createNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], allowPrivateAddresses: true, inboundConnectionsPerSecond: 100 }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [webSockets()] })
  await helia.start()
  const log = new MemoryLog()
  const service = new BackupService({ helia, datastore: helia.datastore, log }, { now: () => clock, pairingCodeTtlMs: 15 * MINUTE })
  await service.start()
  peer = { helia, blockstore: helia.blockstore, datastore: helia.datastore, service, log }
})

after(async () => {
  for (const device of devices) await device.helia.stop()
  await stopPeer(peer)
})

test('strangers sending more than 20 wrong codes a minute do not keep the owner\'s code refused', async () => {
  const code = await peer.service.createPairingCode()
  // Seven strangers, three wrong codes each: 21 in the same minute, all over loopback.
  for (let s = 0; s < 7; s++) {
    const stranger = await startDevice()
    devices.push(stranger)
    for (let i = 0; i < 3; i++) await assert.rejects(stranger.client.pair(addressOf(peer), 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'), refused)
    await assert.rejects(stranger.client.pair(addressOf(peer), code), (err: unknown) => refused(err) && /too many/.test((err as Error).message), 'each stranger is stopped')
  }
  const owner = await startDevice()
  devices.push(owner)
  assert.deepEqual(await owner.client.pair(addressOf(peer), code), { alreadyPaired: false })
})

test('over the wire, a code printed and left for longer than its time no longer pairs', async () => {
  const code = await peer.service.createPairingCode()
  clock += 15 * MINUTE
  const late = await startDevice()
  devices.push(late)
  await assert.rejects(late.client.pair(addressOf(peer), code), refused)
  assert.deepEqual(peer.service.pendingPairingCodes(), [])
  assert.deepEqual(await late.client.pair(addressOf(peer), await peer.service.createPairingCode()), { alreadyPaired: false })
})

/** A NonceCache that counts what it was asked to remember. */
class CountingNonces extends NonceCache {
  remembered = 0
  override accept (vault: string, nonce: string, now?: number): boolean {
    this.remembered++
    return super.accept(vault, nonce, now)
  }
}

test('a stranger\'s requests are refused before their nonce is recorded', async () => {
  const peerId = '12D3KooWStrangerTestPeerXXXXXXXXXXXXXXXXXXXXXXXXX'
  const nonces = new CountingNonces(5 * MINUTE)
  const datastore = new MemoryDatastore()
  const components = {
    helia: { libp2p: { peerId: { toString: () => peerId } } },
    datastore,
    log: new MemoryLog(),
    ledger: new VaultLedger(),
    codes: new PairingCodeBook(datastore, { ttlMs: 15 * MINUTE }),
    failures: new PairingLimiter({ perPeer: 1000, perIp: 1000 }),
    nonces,
    serial: async <T>(fn: () => Promise<T>): Promise<T> => await fn()
  } as unknown as RequestHandlerComponents
  const handlers = new RequestHandlers(components, { quotaBytes: 1e9, retentionMs: 1, maxClockSkewMs: 5 * MINUTE, maxVerifySample: 8, now: Date.now, appendOnly: false, maxRoots: 1_000_000, verifyRepairTimeoutMs: 1000 })
  const source = { peer: 'stranger', ip: '203.0.113.7' }
  for (let i = 0; i < 50; i++) {
    const signer = vaultSigner(globalThis.crypto.getRandomValues(new Uint8Array(32)))
    await assert.rejects(handlers.handle(signRequest<StatusRequest>(signer, peerId, 'status', {}), source), (err: unknown) => isCairnError(err, 'NOT_PAIRED'))
    await assert.rejects(handlers.handle(signRequest<PairRequest>(signer, peerId, 'pair', { code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' }), source), refused)
  }
  assert.equal(nonces.remembered, 0)
  // A paired vault's request is remembered, and its replay refused.
  const code = await components.codes.create()
  const owner = vaultSigner(globalThis.crypto.getRandomValues(new Uint8Array(32)))
  await handlers.handle(signRequest<PairRequest>(owner, peerId, 'pair', { code }), source)
  const status = signRequest<StatusRequest>(owner, peerId, 'status', {})
  await handlers.handle(status, source)
  await assert.rejects(handlers.handle(status, source), (err: unknown) => isCairnError(err, 'REQUEST_EXPIRED'))
})
