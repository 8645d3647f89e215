import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { FOLDER_SHARE_TYPE } from '../../../core/share/folder-listing.ts'
import { MAX_HINTS, parseShareLink } from '../../../core/share/share-link.ts'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import { VaultShares, type SharePinning } from '../../../core/vault/vault-shares.ts'
import { manualClock } from '../support/clock.ts'
import { allBlocks, dagBlocks, hashOf, PASSPHRASE, randomBytes, readAll, rejectsWith, startVault, type Cleanups } from './share-test-support.ts'

const ORIGIN = 'https://cairn.example'
const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

/** Backup as shares see it: records changed()/drop(), answers holdersOf() from `holders`. */
function fakePinning (): SharePinning & { changes: number, drops: string[][], holders: Map<string, string[]> } {
  const fake = {
    changes: 0,
    drops: [] as string[][],
    holders: new Map<string, string[]>(),
    changed: () => { fake.changes++ },
    drop: async (cids: string[]) => { fake.drops.push(cids) },
    holdersOf: (cid: string) => fake.holders.get(cid) ?? []
  }
  return fake
}

const cleanups: Cleanups = []
afterEach(async () => { for (const clean of cleanups.splice(0).reverse()) await clean() })


async function setup (hints: string[] = [], relayedHints: string[] = hints.filter(h => h.includes('/p2p-circuit'))) {
  const { vault, blockstore } = await startVault(cleanups)
  const pinning = fakePinning()
  const clock = manualClock(1_750_000_000_000)
  let changed = 0
  const shares = new VaultShares(
    { vault, blockstore, pinning, log: new LogBuffer().for('shares'), onChanged: () => { changed++ } },
    { origin: ORIGIN, hints: ({ relayOnly }) => relayOnly ? relayedHints : hints, now: clock.now }
  )
  cleanups.push(() => { shares.detach() })
  await shares.attach(vault.shareStore())
  return { vault, blockstore, pinning, shares, clock, onChangedCalls: () => changed }
}

async function addFile (vault: VaultService, path: string, bytes: Uint8Array<ArrayBuffer>, type = 'application/pdf') {
  return (await vault.files().add({ file: new Blob([bytes]), path, mtime: 1_700_000_000_000, type })).file
}

const RELAYED_HINT_BASE = '/dns4/relay.cairn-example.net/tcp/443/wss/p2p/12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDbcxqn4DzaFhjUXH3E'

describe('VaultShares', () => {
  it('create: a link to a fresh copy that decrypts to the file, with the base name, size, type and at most 8 hints', async () => {
    const valid = Array.from({ length: 10 }, (_, i) => `/ip4/10.0.0.${i + 1}/tcp/4001/ws/p2p/${PEER}`)
    const tooLong = `/dns4/${'a'.repeat(250)}.example/tcp/1`
    const { vault, blockstore, pinning, shares, clock, onChangedCalls } = await setup([valid[0] as string, tooLong, valid[0] as string, ...valid.slice(1)])
    const plaintext = randomBytes(300_000)
    const file = await addFile(vault, 'docs/2024/report.pdf', plaintext)
    const before = await allBlocks(blockstore)
    const vaultCopy = await dagBlocks(blockstore, file.cid)
    const createdAt = clock.now()

    const info = await shares.create({ fileId: file.fileId })
    assert.equal(info.name, 'report.pdf')
    assert.equal(info.fileId, file.fileId)
    assert.equal(info.size, plaintext.length)
    assert.equal(info.type, 'application/pdf')
    assert.equal(info.expired, false)
    assert.equal(info.expiresAt, undefined)
    assert.equal(info.createdAt, createdAt)
    assert.deepEqual(info.pinnedOn, [])
    assert.match(info.id, /^[0-9a-f]{32}$/)
    assert.notEqual(info.cid, file.cid)
    assert.ok(info.link.startsWith(ORIGIN + '/#/s/'), info.link)

    const fields = parseShareLink(info.link)
    assert.equal(fields.cid.toString(), info.cid)
    assert.equal(fields.name, 'report.pdf')
    assert.equal(fields.size, plaintext.length)
    assert.equal(fields.type, 'application/pdf')
    // Deduplicated, the over-long one left out, the first 8 in order.
    assert.equal(MAX_HINTS, 8)
    assert.deepEqual(fields.hints, valid.slice(0, 8))
    assert.deepEqual(await readAll(readDecrypted(blockstore, fields.cid, fields.shareKey.slice(), { plaintextLength: fields.size })), plaintext)

    // The copy's blocks are all stored, all new, and none is one of the vault copy's.
    const shareCopy = (await dagBlocks(blockstore, info.cid)).map(hashOf)
    const added = [...await allBlocks(blockstore)].filter(hash => !before.has(hash))
    assert.deepEqual(new Set(added), new Set(shareCopy))
    const vaultHashes = new Set(vaultCopy.map(hashOf))
    assert.ok(vaultHashes.size >= 2)
    for (const hash of shareCopy) assert.ok(!vaultHashes.has(hash), 'a share block is also a vault block')
    const record = await vault.shareStore().get(info.id)
    assert.deepEqual(new Set(record?.blocks?.map(hashOf)), new Set(shareCopy))

    assert.equal(pinning.changes, 1)
    assert.equal(onChangedCalls(), 1)
    assert.deepEqual(shares.activePins(), [{ cid: info.cid }])
    // Where it is held comes from backup, asked each time.
    pinning.holders.set(info.cid, ['peerA'])
    assert.deepEqual((await shares.list())[0]?.pinnedOn, ['peerA'])
  })

  it('lists newest first; activePins carries the expiry', async () => {
    const { vault, shares, clock } = await setup()
    const a = await addFile(vault, 'a.txt', randomBytes(1000), 'text/plain')
    const b = await addFile(vault, 'b.txt', randomBytes(2000), 'text/plain')
    const expiresAt = clock.now() + 86_400_000
    const first = await shares.create({ fileId: a.fileId }, expiresAt)
    clock.advance(5)
    const second = await shares.create({ fileId: b.fileId })
    assert.equal(first.expiresAt, expiresAt)
    assert.deepEqual((await shares.list()).map(s => s.id), [second.id, first.id])
    assert.deepEqual(shares.activePins(), [{ cid: second.cid }, { cid: first.cid, expiresAt }])
  })

  it('relay addresses only: the link carries only relayed hints, and with no relay it is refused before any copy is made', async () => {
    const relayed = `${RELAYED_HINT_BASE}/p2p-circuit/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo`
    const direct = '/ip4/192.168.1.20/tcp/4102/ws/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
    const { vault, shares } = await setup([direct, relayed])
    const file = await addFile(vault, 'a.txt', randomBytes(1000), 'text/plain')
    const made = await shares.create({ fileId: file.fileId }, undefined, { relayOnly: true })
    assert.deepEqual(parseShareLink(made.link).hints, [relayed])
    assert.deepEqual(parseShareLink((await shares.create({ fileId: file.fileId })).link).hints, [direct, relayed])

    const alone = await setup([direct], [])
    const other = await addFile(alone.vault, 'b.txt', randomBytes(1000), 'text/plain')
    const before = await allBlocks(alone.blockstore)
    await rejectsWith(alone.shares.create({ fileId: other.fileId }, undefined, { relayOnly: true }), 'SHARE_NO_RELAY')
    assert.deepEqual(await allBlocks(alone.blockstore), before)
    assert.deepEqual(await alone.shares.list(), [])
  })

  it('refuses an expiry in the past, a missing file, and everything while detached, storing nothing', async () => {
    const { vault, blockstore, pinning, shares, clock } = await setup()
    const file = await addFile(vault, 'a.txt', randomBytes(1000), 'text/plain')
    const before = await allBlocks(blockstore)
    await rejectsWith(shares.create({ fileId: file.fileId }, clock.now() - 1000), 'SHARE_EXPIRY_INVALID')
    await rejectsWith(shares.create({ fileId: file.fileId }, clock.now()), 'SHARE_EXPIRY_INVALID')
    await rejectsWith(shares.create({ fileId: file.fileId }, clock.now() + 0.5), 'SHARE_EXPIRY_INVALID')
    await rejectsWith(shares.create({ fileId: 'no-such-file' }), 'FILE_NOT_FOUND')
    assert.deepEqual(await allBlocks(blockstore), before)
    assert.deepEqual(await shares.list(), [])
    assert.deepEqual(await vault.shareStore().list(), [])
    assert.deepEqual(shares.activePins(), [])
    assert.equal(pinning.changes, 0)

    shares.detach()
    await rejectsWith(shares.create({ fileId: file.fileId }), 'VAULT_LOCKED')
    await rejectsWith(shares.list(), 'VAULT_LOCKED')
    await rejectsWith(shares.stop('0'.repeat(32)), 'VAULT_LOCKED')
    assert.deepEqual(await allBlocks(blockstore), before)
  })

  it('stop: the peers drop it, its blocks go, the vault copy stays; stopping again is FILE_NOT_FOUND', async () => {
    const { vault, blockstore, pinning, shares, onChangedCalls } = await setup()
    const plaintext = randomBytes(200_000)
    const file = await addFile(vault, 'keep.bin', plaintext, '')
    const info = await shares.create({ fileId: file.fileId })
    const shareCopy = await dagBlocks(blockstore, info.cid)
    await shares.stop(info.id)
    assert.deepEqual(pinning.drops, [[info.cid]])
    for (const cid of shareCopy) assert.equal(await blockstore.has(cid), false, `share block ${cid} is still stored`)
    assert.deepEqual(await readAll(vault.files().open(file.fileId).stream), plaintext)
    assert.deepEqual(await shares.list(), [])
    assert.equal(await vault.shareStore().get(info.id), undefined)
    assert.deepEqual(shares.activePins(), [])
    assert.equal(onChangedCalls(), 2)
    await rejectsWith(shares.stop(info.id), 'FILE_NOT_FOUND')
    assert.equal(pinning.drops.length, 1)
  })

  it('sweepExpired frees an expired share here (the peers free theirs) and list marks it expired', async () => {
    const { vault, blockstore, pinning, shares, clock } = await setup()
    const file = await addFile(vault, 'soon.txt', randomBytes(5000), 'text/plain')
    const lasting = await shares.create({ fileId: file.fileId })
    clock.advance(1)
    const info = await shares.create({ fileId: file.fileId }, clock.now() + 50)
    const shareCopy = await dagBlocks(blockstore, info.cid)
    clock.advance(49)
    assert.equal(shares.activePins().length, 2, 'not expired a millisecond early')
    clock.advance(1)
    assert.deepEqual(shares.activePins(), [{ cid: lasting.cid }])
    await shares.sweepExpired()
    for (const cid of shareCopy) assert.equal(await blockstore.has(cid), false)
    assert.deepEqual(pinning.drops, [])
    const listed = await shares.list()
    assert.deepEqual(listed.map(s => [s.id, s.expired]), [[info.id, true], [lasting.id, false]])
    assert.equal((await vault.shareStore().get(info.id))?.freed, true)
    // The other share's copy is untouched.
    assert.equal(parseShareLink(lasting.link).size, 5000)
    for (const cid of await dagBlocks(blockstore, lasting.cid)) assert.equal(await blockstore.has(cid), true)
  })

  it('records survive a lock and unlock; one that expired while locked is freed on attach', async () => {
    const { vault, blockstore, shares, clock } = await setup()
    const file = await addFile(vault, 'a/b/c.txt', randomBytes(4000), 'text/plain')
    const kept = await shares.create({ fileId: file.fileId })
    clock.advance(1)
    const brief = await shares.create({ fileId: file.fileId }, clock.now() + 50)
    const briefCopy = await dagBlocks(blockstore, brief.cid)
    shares.detach()
    await vault.lock()
    assert.deepEqual(shares.activePins(), [])
    await rejectsWith(shares.list(), 'VAULT_LOCKED')
    clock.advance(80)

    await vault.unlock(PASSPHRASE)
    await shares.attach(vault.shareStore())
    const listed = await shares.list()
    assert.deepEqual(listed.map(s => [s.id, s.name, s.link, s.expired]), [[brief.id, 'c.txt', brief.link, true], [kept.id, 'c.txt', kept.link, false]])
    assert.deepEqual(shares.activePins(), [{ cid: kept.cid }])
    for (const cid of briefCopy) assert.equal(await blockstore.has(cid), false)
    await shares.stop(kept.id)
    assert.deepEqual((await shares.list()).map(s => s.id), [brief.id])
  })
})

describe('VaultShares: a lock while the records load', () => {
  it('a detach before attach has finished wins: nothing stays live and no sweep timer is left', async () => {
    const { vault, shares } = await setup()
    const file = await addFile(vault, 'x.txt', randomBytes(100), 'text/plain')
    await shares.create({ fileId: file.fileId })
    shares.detach()
    const timers = (): number => process.getActiveResourcesInfo().filter(r => r === 'Timeout').length
    const timersBefore = timers()
    const attaching = shares.attach(vault.shareStore())
    shares.detach()
    await attaching
    assert.deepEqual(shares.activePins(), [])
    assert.equal(timers(), timersBefore, 'a sweep timer was left running')
    await rejectsWith(shares.list(), 'VAULT_LOCKED')
  })
})

describe('VaultShares: a sweep racing Stop sharing', () => {
  it('a share stopped while the sweep frees it does not make the sweep fail, and later expired ones are still freed', async () => {
    const { vault, blockstore, shares, clock } = await setup()
    const file = await addFile(vault, 'y.txt', randomBytes(3000), 'text/plain')
    const first = await shares.create({ fileId: file.fileId }, clock.now() + 40)
    clock.advance(1)
    const second = await shares.create({ fileId: file.fileId }, clock.now() + 40)
    const firstCopy = await dagBlocks(blockstore, first.cid)
    const secondCopy = await dagBlocks(blockstore, second.cid)
    clock.advance(60)
    // Newest first: the sweep reaches `second` first; it is stopped meanwhile.
    const sweeping = shares.sweepExpired()
    await shares.stop(second.id)
    await sweeping
    for (const cid of [...firstCopy, ...secondCopy]) assert.equal(await blockstore.has(cid), false)
    assert.deepEqual((await shares.list()).map(s => [s.id, s.expired]), [[first.id, true]])
    assert.equal((await vault.shareStore().get(first.id))?.freed, true)
  })
})

describe('VaultShares: a lock during Share', () => {
  it('locking the vault while a share copy is being made stops it and takes back every block it wrote', async () => {
    const { vault, blockstore, shares } = await setup()
    const file = await addFile(vault, 'big.bin', randomBytes(12 * 1024 * 1024))
    const before = await allBlocks(blockstore)
    const sharing = shares.create({ fileId: file.fileId })
    // Lock once the copy has started landing in the store: mid-copy, whatever the machine's speed.
    while ((await allBlocks(blockstore)).size === before.size) await new Promise(resolve => setImmediate(resolve))
    await vault.lock()
    await rejectsWith(sharing, 'VAULT_LOCKED')
    assert.deepEqual(await allBlocks(blockstore), before, 'no block of the half-made copy is left')
    await vault.unlock(PASSPHRASE)
    await shares.attach(vault.shareStore())
    assert.deepEqual(await shares.list(), [])
  })
})

describe('VaultShares: Stop sharing and the live pins', () => {
  it('a share being stopped is out of the live pins while its drop goes out, and back in if the drop fails', async () => {
    const { vault, pinning, shares } = await setup()
    const file = await addFile(vault, 'p.txt', randomBytes(2000), 'text/plain')
    const info = await shares.create({ fileId: file.fileId })
    const seenDuringDrop: string[][] = []
    pinning.drop = async () => {
      seenDuringDrop.push(shares.activePins().map(p => p.cid))
      throw new Error('peer store failed')
    }
    await assert.rejects(shares.stop(info.id), /peer store failed/)
    assert.deepEqual(seenDuringDrop, [[]], 'backup could not pin it again during the drop')
    assert.deepEqual(shares.activePins().map(p => p.cid), [info.cid], 'a failed stop leaves the share live and listed')
    assert.deepEqual((await shares.list()).map(s => s.id), [info.id])
  })
})

describe('VaultShares: chosen files as one link', () => {
  it('a folder-style share of exactly the chosen files: listed as a folder of that many files, every copy pinned and dropped together', async () => {
    const { vault, pinning, shares } = await setup()
    const a = await addFile(vault, 'trip/a.txt', randomBytes(1000), 'text/plain')
    const b = await addFile(vault, 'trip/sub/b.txt', randomBytes(2000), 'text/plain')
    await addFile(vault, 'trip/left.txt', randomBytes(500), 'text/plain')
    const info = await shares.create({ fileIds: [a.fileId, b.fileId], base: 'trip', name: 'trip' })
    assert.equal(info.folder, 'trip')
    assert.equal(info.fileCount, 2)
    assert.equal(info.size, 3000)
    const fields = parseShareLink(info.link)
    assert.equal(fields.name, 'trip')
    assert.equal(fields.type, FOLDER_SHARE_TYPE)
    const pins = shares.activePins().map(p => p.cid)
    assert.equal(pins.length, 3, 'the listing and the two copies')
    await shares.stop(info.id)
    assert.deepEqual(pinning.drops, [pins])
  })
})
