import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { headMacKey } from '../../../core/index/head-mac.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { storeBlocks, writeHead } from '../../../core/index/log-store.ts'
import { resealOps, sealChain } from '../../../core/index/reseal.ts'
import { listFiles, materialise } from '../../../core/index/state.ts'
import type { Log } from '../../../core/log.ts'
import { bringIndexUnderKey } from '../../../core/vault/handed-over-index.ts'
import { rotateVaultKey } from '../../../core/vault/key-rotation.ts'
import { carryWaitingChanges, runPendingCarry } from '../../../core/vault/pending-carry.ts'
import { entry, key } from '../index/fixtures.ts'

// B takes a key A rotated to. A had seen B's first upload, not its second (made offline).
const A = '12D3KooWRotatingDevice'
const B = '12D3KooWTakingDevice'
const oldKey = key(1)
const newKey = key(2)

/** A store whose next write of B's index head fails (an aborted IndexedDB transaction, a full disk). */
class FlakyHeads extends MemoryDatastore {
  failNext = false
  override put (k: Key, v: Uint8Array): ReturnType<MemoryDatastore['put']> {
    if (this.failNext && k.toString() === `/cairn/index/heads/${B}`) { this.failNext = false; throw new Error('transaction aborted') }
    return super.put(k, v)
  }
}

function logTo (lines: string[]): Log {
  return { debug: () => {}, info: (m) => { lines.push(m) }, warn: (m) => { lines.push(m) }, error: (m) => { lines.push(m) } }
}

/** B's index under the old key; returns what A had seen of it. */
async function beforeRotation (blockstore: MemoryBlockstore, datastore: MemoryDatastore) {
  const log = new IndexLog({ blockstore, datastore }, { indexKey: deriveSubkey(oldKey, 'index'), deviceId: B })
  await log.start()
  await log.put(entry(1), 'shared.txt')
  const seen = [...log.state.files.values()].flatMap(record => record.puts)
  await log.put(entry(2), 'offline.txt')
  await log.stop()
  return seen
}

/** A's re-sealed chain under the new key arriving (a backup peer's answer, or device sync). */
async function rotatorChainArrives (blockstore: MemoryBlockstore, datastore: MemoryDatastore, seen: Parameters<typeof materialise>[0]): Promise<void> {
  const indexKey = deriveSubkey(newKey, 'index')
  const chain = await sealChain(indexKey, A, resealOps(materialise(seen), A, Date.now()))
  await storeBlocks(blockstore, chain.blocks)
  await writeHead(datastore, headMacKey(indexKey), A, chain.head as NonNullable<typeof chain.head>)
}

/** The files B sees under `vaultKey` (the second key unless told). */
async function filesUnder (blockstore: MemoryBlockstore, datastore: MemoryDatastore, vaultKey = newKey): Promise<string[]> {
  const log = new IndexLog({ blockstore, datastore }, { indexKey: deriveSubkey(vaultKey, 'index'), deviceId: B })
  await log.start()
  const paths = listFiles(log.state).map(f => f.path).sort()
  await log.stop()
  return paths
}

/** What an unlock taking the hand-over does: bring the index under the new key (onHandedOver), then carry before the index opens. */
async function takeHandOver (blockstore: MemoryBlockstore, datastore: MemoryDatastore, lines: string[]): Promise<void> {
  await bringIndexUnderKey(noPeer(blockstore, datastore, lines), newKey.slice(), oldKey.slice())
  await carryWaitingChanges({ blockstore, datastore }, deriveSubkey(newKey, 'index'), B, logTo(lines))
}

const noPeer = (blockstore: MemoryBlockstore, datastore: MemoryDatastore, lines: string[]) => ({
  networkBlockstore: blockstore, datastore, peers: () => [], client: () => { throw new Error('no peer') }, deviceId: B, log: logTo(lines)
})

test('a hand-over with no backup peer keeps this device\'s changes until the rotating device\'s index arrives, then carries only what it had not seen', async () => {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  const lines: string[] = []
  const seen = await beforeRotation(blockstore, datastore)
  await takeHandOver(blockstore, datastore, lines)
  assert.ok(lines.some(l => /changes wait for the index of the device that changed the keys/.test(l)))
  assert.deepEqual(await filesUnder(blockstore, datastore), [], 'nothing carried against an index of this device alone')

  // Device sync brings A's chain; the next unlock carries.
  await rotatorChainArrives(blockstore, datastore, seen)
  await runPendingCarry({ blockstore, datastore }, deriveSubkey(newKey, 'index'), B, logTo(lines))
  assert.deepEqual(await filesUnder(blockstore, datastore), ['offline.txt', 'shared.txt'], 'no conflict copy of what A had seen')
  assert.ok(lines.some(l => /kept 1 change\(s\)/.test(l)))
  // Carried once: what waited is gone.
  await runPendingCarry({ blockstore, datastore }, deriveSubkey(newKey, 'index'), B, logTo(lines))
  assert.deepEqual(await filesUnder(blockstore, datastore), ['offline.txt', 'shared.txt'])
})

test('a failed write while carrying loses nothing: the next unlock carries what waits', async () => {
  const blockstore = new MemoryBlockstore()
  const datastore = new FlakyHeads()
  const lines: string[] = []
  const seen = await beforeRotation(blockstore, datastore)
  await rotatorChainArrives(blockstore, datastore, seen)
  datastore.failNext = true
  await takeHandOver(blockstore, datastore, lines)
  assert.ok(lines.some(l => /not in the index yet \(.*\); the next unlock tries again/.test(l)))
  assert.deepEqual(await filesUnder(blockstore, datastore), ['shared.txt'])

  await runPendingCarry({ blockstore, datastore }, deriveSubkey(newKey, 'index'), B, logTo(lines))
  assert.deepEqual(await filesUnder(blockstore, datastore), ['offline.txt', 'shared.txt'])
})

test('what waits cannot be read under another key: it is dropped in words, and the index opens', async () => {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  const lines: string[] = []
  await beforeRotation(blockstore, datastore)
  await takeHandOver(blockstore, datastore, lines)
  await runPendingCarry({ blockstore, datastore }, deriveSubkey(key(3), 'index'), B, logTo(lines))
  assert.ok(lines.some(l => /kept for it could not be read .*they are dropped/.test(l)))
  assert.equal(await datastore.has(new Key('/cairn/index/pending-carry')), false)
})

test('keys changed twice before what waits was carried: it waits under the newest key and is carried there', async () => {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  const lines: string[] = []
  const seen = await beforeRotation(blockstore, datastore)
  const newestKey = key(3)
  // The first hand-over finds no index of A's under the second key: B's changes wait.
  await takeHandOver(blockstore, datastore, lines)
  // A changes the keys again (another device removed) before B ever saw A's index; B takes that hand-over too.
  await bringIndexUnderKey(noPeer(blockstore, datastore, lines), newestKey.slice(), newKey.slice())
  assert.ok(!lines.some(l => /could not be read .*they are dropped/.test(l)), lines.join('\n'))
  // A's index under the newest key arrives; the next unlock carries what had waited since the first change.
  const indexKey = deriveSubkey(newestKey, 'index')
  const chain = await sealChain(indexKey, A, resealOps(materialise(seen), A, Date.now()))
  await storeBlocks(blockstore, chain.blocks)
  await writeHead(datastore, headMacKey(indexKey), A, chain.head as NonNullable<typeof chain.head>)
  await runPendingCarry({ blockstore, datastore }, indexKey, B, logTo(lines))
  assert.deepEqual(await filesUnder(blockstore, datastore, newestKey), ['offline.txt', 'shared.txt'], 'the offline upload survives both key changes, with no conflict copy')
})

test('this device changes the keys itself while its changes wait: they wait on under its new key and are carried there', async () => {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  const lines: string[] = []
  const seen = await beforeRotation(blockstore, datastore)
  await takeHandOver(blockstore, datastore, lines)
  // B removes a device before A's index under the second key ever arrived: B's own rotation.
  const index = new IndexLog({ blockstore, datastore }, { indexKey: deriveSubkey(newKey, 'index'), deviceId: B })
  await index.start()
  await index.put(entry(3), 'after-first-change.txt')
  const devices = [
    { peerId: A, name: 'A', platform: 'Linux', addedAt: 1, updatedAt: 1 },
    { peerId: B, name: 'B', platform: 'Linux', addedAt: 2, updatedAt: 2 }
  ]
  const rotation = await rotateVaultKey({ blockstore, datastore, index }, { vaultKey: newKey.slice(), deviceId: B, devices })
  const indexKey = deriveSubkey(rotation.newVaultKey, 'index')
  // A takes B's hand-over and carries what it had; B's next unlock carries what waited since the first change.
  const chain = await sealChain(indexKey, A, resealOps(materialise(seen), A, Date.now()))
  await storeBlocks(blockstore, chain.blocks)
  await writeHead(datastore, headMacKey(indexKey), A, chain.head as NonNullable<typeof chain.head>)
  await runPendingCarry({ blockstore, datastore }, indexKey, B, logTo(lines))
  assert.ok(!lines.some(l => /could not be read .*they are dropped/.test(l)), lines.join('\n'))
  assert.deepEqual(await filesUnder(blockstore, datastore, rotation.newVaultKey), ['after-first-change.txt', 'offline.txt', 'shared.txt'])
})
