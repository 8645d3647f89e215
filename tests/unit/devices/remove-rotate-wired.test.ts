import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { BackupClient } from '../../../core/protocols/backup/backup-client.ts'
import { DeviceBook } from '../../../core/vault/device-book.ts'
import { loadDeviceBook } from '../../../core/vault/device-store.ts'
import { readPendingHandOver } from '../../../core/vault/key-handover.ts'
import { publishBoxKey } from '../../../core/vault/publish-box-key.ts'
import { deviceSigner } from '../../../core/node/device-key.ts'
import { restoreIndexFromPeer } from '../../../core/vault/restore-index.ts'
import { addressOf, MemoryLog, startDevice, startPeer, stopPeer, waitFor, type TestDevice, type TestPeer } from '../backup/helpers.ts'
import { PASSPHRASE, randomBytes, readAll } from '../vault/share-test-support.ts'
import { startWiredDevice, type WiredDevice } from './wired-support.ts'

let peer: TestPeer
let a: WiredDevice
let c: WiredDevice
let removed: TestDevice
let vk: Uint8Array
const code = async (work: Promise<unknown>): Promise<string | undefined> => await work.then(() => undefined, (err: { code?: string }) => err.code)
const paths = (device: WiredDevice): string[] => device.vault.files().list().map(f => f.path).sort()
const replicated = (device: WiredDevice, files: number) => (): boolean => {
  const info = device.backups.list()[0]
  return info !== undefined && info.lastError === undefined && info.filesReplicated === files && info.pending === 0
}

async function add (device: WiredDevice, path: string, bytes: Uint8Array): Promise<string> {
  return (await device.vault.files().add({ file: new Blob([bytes as Uint8Array<ArrayBuffer>]), path, mtime: 1_700_000_000_000, type: '' })).file.fileId
}

async function read (device: WiredDevice, path: string): Promise<Uint8Array> {
  const file = device.vault.files().list().find(f => f.path === path)
  assert.ok(file !== undefined, `${path} is listed`)
  return await readAll(device.vault.files().open(file.fileId).stream)
}

const OLD_DEVICE = '12D3KooWOldLaptopWithoutBoxKey'
const one = randomBytes(150_000)
const two = randomBytes(120_000)
const fromC = randomBytes(90_000)

before(async () => {
  peer = await startPeer()
  a = await startWiredDevice()
  c = await startWiredDevice()
  await a.vault.create(PASSPHRASE)
  vk = a.vault.keyInForce().slice()
  removed = await startDevice(vk.slice())
  await a.backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
  await add(a, 'one.bin', one)
  await waitFor(replicated(a, 1), 20_000, 'one.bin backed up')

  // C joined earlier: it holds the vault key and the index as the peer keeps it.
  const restoring = vaultSigner(vk)
  await restoreIndexFromPeer({ networkBlockstore: c.helia.blockstore, datastore: c.datastore, client: new BackupClient({ libp2p: c.helia.libp2p }, { signer: restoring }), log: new MemoryLog() }, addressOf(peer), deriveSubkey(vk, 'index'))
  restoring.wipe()
  await c.backups.adopt([{ peerId: peer.helia.libp2p.peerId.toString(), address: addressOf(peer).toString() }])
  await c.vault.restore(vk.slice(), PASSPHRASE)
  assert.deepEqual(paths(c), ['one.bin'])

  // The device book as pairing leaves it: A and C published their box keys, the lost device none.
  const book = new DeviceBook([
    { peerId: a.id, name: 'A', platform: 'Linux', addedAt: 1, updatedAt: 1 },
    { peerId: c.id, name: 'C', platform: 'Linux', addedAt: 2, updatedAt: 2 },
    { peerId: removed.helia.libp2p.peerId.toString(), name: 'Lost phone', platform: 'Android', addedAt: 3, updatedAt: 3 },
    // Paired before devices had box keys: no hand-over can reach it.
    { peerId: OLD_DEVICE, name: 'Old laptop', platform: 'Linux', addedAt: 4, updatedAt: 4 }
  ])
  assert.ok(await publishBoxKey(book, a.id, a.boxKey() as string, 10, deviceSigner(a.helia.libp2p)))
  assert.ok(await publishBoxKey(book, c.id, c.boxKey() as string, 10, deviceSigner(c.helia.libp2p)))
  assert.equal(await publishBoxKey(book, c.id, c.boxKey() as string, 11, deviceSigner(c.helia.libp2p)), false, 'published once')
  // Into A's open device book, as pairing and sync leave it.
  await a.directory.book()
  await a.directory.merge(book)
})

after(async () => {
  for (const device of [a, c]) await device?.stop()
  await removed?.helia.stop()
  await stopPeer(peer)
})

test('devices.remove refuses this device itself, by code, and leaves the vault as it was', async () => {
  assert.equal(await code(a.handlers['devices.remove']({ peerId: a.id, rotate: true })), 'INVALID_ARGUMENT')
  assert.equal(a.vault.status().state, 'unlocked')
  assert.deepEqual(paths(a), ['one.bin'])
})

test('remove and rotate through the handler map: A stays open on the new key, the peer moves with it and refuses the removed device, C takes its hand-over, reads the new files and keeps its own changes A never saw', async () => {
  const lost = removed.helia.libp2p.peerId.toString()
  // C's changes A never sees before it rotates (no device sync here): an upload and a move.
  await add(c, 'from-c.bin', fromC)
  const oneOnC = c.vault.files().list().find(f => f.path === 'one.bin')?.fileId as string
  await c.vault.files().move({ fileIds: [oneOnC], folders: [] }, 'moved-on-c')
  await waitFor(replicated(c, 2), 20_000, 'C backed up its upload')
  assert.equal(await a.handlers['devices.remove']({ peerId: lost, rotate: true }), undefined)

  // A: still open, same files, on a new key; a new upload works and reads back.
  assert.equal(a.vault.status().state, 'unlocked')
  const newKey = a.vault.keyInForce().slice()
  assert.notDeepEqual(newKey, vk)
  assert.deepEqual(paths(a), ['one.bin'])
  assert.deepEqual(await read(a, 'one.bin'), one)
  await add(a, 'two.bin', two)
  assert.deepEqual(await read(a, 'two.bin'), two)
  const book = await loadDeviceBook(a.datastore, deriveSubkey(newKey, 'devices'))
  assert.equal(book.isRemoved(lost), true, 'the book, sealed under the new key, lists the device as removed')
  assert.ok(a.log.has('warn', new RegExp(`device …${OLD_DEVICE.slice(-8)} has no box key`)), 'the device no hand-over reaches is logged')
  assert.ok(!a.log.lines.some(line => line.level === 'warn' && /backup peer .* did not take/.test(line.message)), 'every peer took the new key')

  // The peer serves A under the new key (backup re-attached under the new signer) and refuses the removed device.
  await waitFor(replicated(a, 2), 20_000, 'both files backed up under the new key')
  assert.equal(await code(removed.client.status(addressOf(peer))), 'DEVICE_REVOKED')
  assert.equal(await code(removed.client.handover(addressOf(peer))), 'DEVICE_REVOKED')

  // Rotating again before the new key is wrapped under the passphrase would lose the way to it: refused, nothing changed.
  assert.equal(await code(a.handlers['devices.remove']({ peerId: lost, rotate: true })), 'ROTATION_UNFINISHED')
  assert.deepEqual(a.vault.keyInForce(), newKey)

  // A's next lock and unlock: the same passphrase opens the new key, and the hand-over to itself is gone.
  await a.vault.lock()
  await a.vault.unlock(PASSPHRASE)
  assert.deepEqual(a.vault.keyInForce(), newKey)
  assert.equal(await readPendingHandOver(a.datastore), undefined)
  assert.deepEqual(paths(a), ['one.bin', 'two.bin'])
  assert.deepEqual(await read(a, 'two.bin'), two)

  // C: the peer answers VAULT_ROTATED; C takes its hand-over and locks, saying why.
  await waitFor(() => c.vault.status().state === 'locked', 20_000, 'C locked to take the new key')
  assert.equal(c.vault.status().keysChanged, true)
  assert.ok(c.statuses.some(s => s.state === 'locked' && s.keysChanged === true), 'the UI heard why C locked')
  assert.ok(c.log.has('warn', /Keys were changed on another device/))
  await c.vault.unlock(PASSPHRASE)
  assert.equal(c.vault.status().keysChanged, undefined)
  assert.deepEqual(c.vault.keyInForce(), newKey)
  assert.deepEqual(paths(c), ['from-c.bin', 'moved-on-c/one.bin', 'two.bin'], 'A\'s new file, and C\'s upload and move that A never saw')
  assert.ok(c.log.has('info', /kept 2 change\(s\) of this device that the other device had not seen/))
  assert.deepEqual(await read(c, 'two.bin'), two)
  assert.deepEqual(await read(c, 'moved-on-c/one.bin'), one)
  assert.deepEqual(await read(c, 'from-c.bin'), fromC)
  await waitFor(() => c.backups.list()[0]?.lastError === undefined && c.backups.list()[0]?.online === true, 20_000, 'C served by the peer under the new key')

  // C's kept changes reach the peer under the new key: a device restoring from it sees them.
  const fresh = await startWiredDevice()
  try {
    const signer = vaultSigner(newKey)
    const asking = new BackupClient({ libp2p: fresh.helia.libp2p }, { signer })
    await waitFor(async () => c.id in await asking.heads(addressOf(peer)), 20_000, 'the peer holds C\'s chain under the new key')
    await restoreIndexFromPeer({ networkBlockstore: fresh.helia.blockstore, datastore: fresh.datastore, client: new BackupClient({ libp2p: fresh.helia.libp2p }, { signer }), log: new MemoryLog() }, addressOf(peer), deriveSubkey(newKey, 'index'))
    signer.wipe()
    await fresh.vault.restore(newKey.slice(), PASSPHRASE)
    assert.deepEqual(paths(fresh), ['from-c.bin', 'moved-on-c/one.bin', 'two.bin'])
    assert.deepEqual(await read(fresh, 'from-c.bin'), fromC)
  } finally {
    await fresh.stop()
  }
})
