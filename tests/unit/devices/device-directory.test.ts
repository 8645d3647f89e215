import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { deviceFingerprint } from '../../../core/node/device-info.ts'
import { DeviceBook } from '../../../core/vault/device-book.ts'
import { DeviceDirectory } from '../../../core/vault/device-directory.ts'
import { describeDevice } from '../../../core/vault/device-name.ts'
import { VaultService, type UnlockedSession } from '../../../core/vault/vault-service.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { hashTag, PASSPHRASE } from '../vault/share-test-support.ts'

const SELF = '12D3KooWP23zkeSyAawVTDLKZ79xyr8PqYPGsa3qskpMsLv4snYi'
const OTHER = '12D3KooWDZS4Xc2veT7V3GW2NqkEYjMzuSsjhVgd2xkjmPJA3yeY'
const LINUX_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'

const opened: VaultService[] = []
afterEach(async () => { for (const vault of opened.splice(0)) await vault.stop() })

/** A real vault whose unlock attaches a device directory, as the node worker wires them. */
async function setUp (datastore = new MemoryDatastore(), clock = { ms: 1_800_000_000_000 }) {
  const blockstore = new PackBlockstore({ files: new MemoryPackFiles() })
  await blockstore.start()
  let changes = 0
  const directory = new DeviceDirectory({ datastore, peerId: SELF, describe: describeDevice(LINUX_CHROME), log: new LogBuffer().for('test'), onChanged: () => { changes++ }, sign: async () => new Uint8Array(64), now: () => clock.ms })
  const sessions: UnlockedSession[] = []
  let attached: Promise<void> = Promise.resolve()
  const vault = new VaultService({ blockstore, datastore, hashTag, log: new LogBuffer().for('test'), deviceId: SELF }, {
    onStatus: () => {},
    onFilesChanged: () => {},
    onUnlocked: (session) => { sessions.push(session); attached = directory.attach(session.devicesKey) },
    onLocked: () => { directory.detach() }
  })
  await vault.start()
  opened.push(vault)
  return { vault, directory, datastore, sessions, clock, changes: () => changes, attached: async () => { await attached } }
}

describe('device directory', () => {
  it('lists this device on the first unlock, named from its browser, and keeps it across lock and unlock', async () => {
    const s = await setUp()
    await s.vault.create(PASSPHRASE)
    await s.attached()
    const [me, ...rest] = await s.directory.list()
    assert.equal(rest.length, 0)
    assert.equal(me?.peerId, SELF)
    assert.equal(me?.name, 'Chrome on Linux')
    assert.equal(me?.platform, 'Linux')
    assert.equal(me?.addedAt, s.clock.ms)
    assert.ok(s.changes() > 0, 'devices.changed was announced')

    await s.vault.lock()
    await assert.rejects(s.directory.list(), { code: 'VAULT_LOCKED' })
    s.clock.ms += 60_000
    await s.vault.unlock(PASSPHRASE)
    await s.attached()
    assert.deepEqual((await s.directory.list()).map(d => [d.peerId, d.addedAt]), [[SELF, 1_800_000_000_000]], 'not added twice; the first record stays')
  })

  it('wipes the devices key on lock', async () => {
    const s = await setUp()
    await s.vault.create(PASSPHRASE)
    await s.attached()
    const key = s.sessions[0]?.devicesKey
    assert.ok(key !== undefined && key.some(b => b !== 0))
    await s.vault.lock()
    assert.ok(key.every(b => b === 0), 'the key the book was sealed under is overwritten')
    assert.equal(s.directory.isMember(SELF), false, 'nothing is known while locked')
  })

  it('renames with last writer wins: a rename beats an earlier one from another device even when this clock lags', async () => {
    const s = await setUp()
    await s.vault.create(PASSPHRASE)
    await s.attached()
    await s.directory.add({ peerId: OTHER, name: 'Firefox on Android', platform: '' })
    const renamed = await s.directory.rename(OTHER, '  Phone  ')
    assert.equal(renamed.name, 'Phone')

    // Another device renamed it later (its clock is ahead): its name wins when the books merge.
    const theirs = new DeviceBook([{ ...renamed, name: 'Old phone', updatedAt: renamed.updatedAt + 10_000 }])
    assert.equal(await s.directory.merge(theirs), true)
    assert.equal((await s.directory.get(OTHER))?.name, 'Old phone')
    // Renaming here after that wins again, although this clock is behind theirs.
    assert.equal((await s.directory.rename(OTHER, 'Phone')).name, 'Phone')
    assert.equal(await s.directory.merge(theirs), false, 'the stale rename changes nothing')
    assert.equal((await s.directory.get(OTHER))?.name, 'Phone')

    await assert.rejects(s.directory.rename(OTHER, ''), { code: 'INVALID_ARGUMENT' })
    await assert.rejects(s.directory.rename(OTHER, 'x'.repeat(65)), { code: 'INVALID_ARGUMENT' })

    await s.vault.lock()
    await s.vault.unlock(PASSPHRASE)
    await s.attached()
    assert.equal((await s.directory.get(OTHER))?.name, 'Phone', 'the rename was saved')
  })

  it('records when a member device was last seen, persisted across lock and restart; strangers are ignored', async () => {
    const datastore = new MemoryDatastore()
    const s = await setUp(datastore)
    await s.vault.create(PASSPHRASE)
    await s.attached()
    await s.directory.add({ peerId: OTHER, name: 'Phone', platform: 'Android' })
    assert.equal((await s.directory.get(OTHER))?.lastSeen, undefined)
    s.clock.ms += 5_000
    await s.directory.seen(OTHER)
    await s.directory.seen('12D3KooWBDjwktxmeEzyGoz6FKny2Gy7edUM4dU6KYaVd1SuybxU')
    await s.directory.seen(SELF)
    const seenAt = s.clock.ms
    assert.equal((await s.directory.get(OTHER))?.lastSeen, seenAt)
    assert.equal((await s.directory.list()).length, 2, 'a stranger is not listed')
    assert.equal((await s.directory.get(SELF))?.lastSeen, undefined)
    await s.vault.stop()

    // The same stores, a fresh node (a reload).
    const again = await setUp(datastore, { ms: seenAt + 60_000 })
    await again.vault.unlock(PASSPHRASE)
    await again.attached()
    assert.equal((await again.directory.get(OTHER))?.lastSeen, seenAt)
    assert.equal(again.directory.isMember(OTHER), true)
  })

  it('gives people a short fingerprint of a PeerId', () => {
    assert.match(deviceFingerprint(SELF), /^[0-9A-F]{4} [0-9A-F]{4}$/)
    assert.notEqual(deviceFingerprint(SELF), deviceFingerprint(OTHER))
  })
})
