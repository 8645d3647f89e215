import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import type { Blockstore } from 'interface-blockstore'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { watchFetches } from '../../../core/vault/fetch-watch.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { waitFor } from '../support/polling.ts'
import { locationsRig, PASSPHRASE } from './locations-support.ts'
import { dagBlocks, readAll, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const MiB = 1024 * 1024

/**
 * Stands in for Helia's networked blockstore: a block missing here is
 * "fetched" from `remote`, kept here, and reported with Helia's progress
 * event, as helia/src/storage.ts does.
 */
function fakeNetwork (local: Blockstore, remote: Blockstore): Blockstore {
  return new Proxy(local, {
    get (target, prop, receiver) {
      if (prop === 'get') {
        return async function * (cid: CID, options?: { onProgress?: (event: { type: string }) => void }) {
          if (!(await target.has(cid))) {
            const bytes = await readWholeBlock(remote, cid)
            await target.put(cid, bytes)
            options?.onProgress?.({ type: 'blocks:get:blockstore:put' })
          }
          yield * target.get(cid)
        }
      }
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

async function moveBlocks (from: Blockstore, to: Blockstore | undefined, cids: CID[]): Promise<void> {
  for (const cid of cids) {
    if (to !== undefined) await to.put(cid, await readWholeBlock(from, cid))
    await from.delete(cid)
  }
}

describe('files on demand: where a file lives', () => {
  it('says all, some or none from this device\'s store, and follows blocks fetched back', async () => {
    const remote = new MemoryBlockstore()
    let fetched = 0
    const rig = await locationsRig(cleanups, {
      fetchStore: (local) => watchFetches(fakeNetwork(local, remote), () => { fetched++; rig.locations.blockFetched() })
    })
    await rig.vault.create(PASSPHRASE)
    const whole = await rig.add('docs/whole.bin', 3 * MiB)
    const part = await rig.add('docs/part.bin', 3 * MiB)
    const gone = await rig.add('docs/gone.bin', 2 * MiB)
    const partBlocks = await dagBlocks(rig.blockstore, part.cid)
    assert.ok(partBlocks.length > 2, 'a 3 MiB file has a root and several leaves')
    await moveBlocks(rig.blockstore, remote, partBlocks.slice(-1))
    await moveBlocks(rig.blockstore, remote, await dagBlocks(rig.blockstore, gone.cid))
    rig.peerHolders.set(part.cid, ['12D3KooWPeer'])
    rig.deviceHolders.set(gone.cid, ['Laptop'])

    const where = await rig.locations.locations()
    assert.deepEqual(where[whole.fileId], { local: 'all', peers: [], devices: [], keep: false })
    assert.deepEqual(where[part.fileId], { local: 'some', peers: ['12D3KooWPeer'], devices: [], keep: false })
    assert.deepEqual(where[gone.fileId], { local: 'none', peers: [], devices: ['Laptop'], keep: false })

    // Reading the partial file fetches its missing leaf, keeps it here, and says so.
    const reader = watchFetches(fakeNetwork(rig.blockstore, remote), () => { fetched++; rig.locations.blockFetched() })
    for (const cid of partBlocks) await readWholeBlock(reader, cid)
    assert.equal(fetched, 1)
    assert.ok(rig.changes.count > 0, 'files.locations.changed is told')
    assert.equal((await rig.locations.locations())[part.fileId]?.local, 'all')
    assert.equal((await rig.locations.locations())[gone.fileId]?.local, 'none')
  })
})

describe('files on demand: free up space', () => {
  it('frees only live files a peer or another device holds in full and that are not kept; the rest are skipped or left', async () => {
    const shareBlocks: string[] = []
    const rig = await locationsRig(cleanups, { shareBlocks })
    await rig.vault.create(PASSPHRASE)
    const onPeer = await rig.add('a/on-peer.bin', 3 * MiB)
    const onDevice = await rig.add('a/on-device.bin', 1000)
    const nowhere = await rig.add('a/nowhere.bin', 2 * MiB)
    const kept = await rig.add('kept/kept.bin', 2 * MiB)
    const shared = await rig.add('a/shared-leaf.bin', 2 * MiB)
    rig.peerHolders.set(onPeer.cid, ['12D3KooWPeer'])
    rig.deviceHolders.set(onDevice.cid, ['Laptop'])
    rig.peerHolders.set(kept.cid, ['12D3KooWPeer'])
    rig.peerHolders.set(shared.cid, ['12D3KooWPeer'])
    await rig.locations.keepLocal({ folder: 'kept' }, true)
    // A block a share copy recorded is never freed (as freeContent guards it).
    const sharedLeaf = (await dagBlocks(rig.blockstore, shared.cid)).at(-1) as CID
    shareBlocks.push(sharedLeaf.toString())
    const indexBlocks = rig.session().index.blockCids()

    const freed = await rig.locations.freeUpSpace()
    assert.equal(freed.files, 3, 'on the peer, on another device, and the one with a shared leaf')
    assert.equal(freed.skipped, 1, 'held nowhere else')
    assert.ok(freed.bytes >= 3 * MiB + MiB + 1000, `freed ${freed.bytes} bytes`)

    const where = await rig.locations.locations()
    assert.equal(where[onPeer.fileId]?.local, 'none')
    assert.equal(where[onDevice.fileId]?.local, 'none')
    assert.equal(where[nowhere.fileId]?.local, 'all')
    assert.deepEqual(where[kept.fileId], { local: 'all', peers: ['12D3KooWPeer'], devices: [], keep: true })
    // Its root went, so nothing of it can be found from here; the share's leaf itself stays.
    assert.equal(where[shared.fileId]?.local, 'none')
    assert.equal(await rig.blockstore.has(sharedLeaf), true)
    for (const cid of indexBlocks) assert.equal(await rig.blockstore.has(CID.parse(cid)), true, 'index blocks stay')

    // The vault opens again with every file listed.
    await rig.vault.lock()
    await rig.vault.unlock(PASSPHRASE)
    assert.equal(rig.vault.files().list().length, 5)
    const again = await rig.locations.freeUpSpace()
    assert.deepEqual(again, { files: 0, bytes: 0, skipped: 1 })
    // What nobody else holds still reads from here.
    assert.deepEqual(await readAll(rig.vault.files().open(nowhere.fileId).stream), nowhere.bytes)
  })
})

describe('files on demand: keep on this device', () => {
  it('a folder rule covers files added under it later, survives a lock, and a file\'s own choice beats it', async () => {
    const rig = await locationsRig(cleanups)
    await rig.vault.create(PASSPHRASE)
    const early = await rig.add('photos/early.jpg', 1000)
    const elsewhere = await rig.add('docs/elsewhere.txt', 1000)
    await rig.locations.keepLocal({ folder: 'photos' }, true)
    const later = await rig.add('photos/2024/later.jpg', 1000)
    let where = await rig.locations.locations()
    assert.equal(where[early.fileId]?.keep, true)
    assert.equal(where[later.fileId]?.keep, true, 'added under the kept folder after the rule')
    assert.equal(where[elsewhere.fileId]?.keep, false)

    await rig.vault.lock()
    await rig.vault.unlock(PASSPHRASE)
    where = await rig.locations.locations()
    assert.equal(where[later.fileId]?.keep, true, 'the rule is stored on this device')

    await rig.locations.keepLocal({ fileId: early.fileId }, false)
    where = await rig.locations.locations()
    assert.equal(where[early.fileId]?.keep, false)
    assert.equal(where[later.fileId]?.keep, true)

    // A choice for the folder again is what every file under it then gets.
    await rig.locations.keepLocal({ folder: 'photos' }, false)
    where = await rig.locations.locations()
    assert.deepEqual([where[early.fileId]?.keep, where[later.fileId]?.keep], [false, false])
    await rig.locations.keepLocal({ folder: 'photos/' }, true)
    assert.equal((await rig.locations.locations())[early.fileId]?.keep, true)

    // The rules are sealed: no folder name lies in the datastore in the clear.
    const stored = new TextDecoder('utf-8', { fatal: false }).decode(await rig.datastore.get(new Key('/cairn/keep-local')))
    assert.equal(stored.includes('photos'), false)
  })

  it('damaged rules are not applied and not fatal: the log says so, and choosing again works', async () => {
    const rig = await locationsRig(cleanups)
    await rig.vault.create(PASSPHRASE)
    const file = await rig.add('photos/a.jpg', 1000)
    await rig.locations.keepLocal({ folder: 'photos' }, true)
    const key = new Key('/cairn/keep-local')
    const sealed = await rig.datastore.get(key)
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] as number) ^ 1
    await rig.datastore.put(key, sealed)
    await rig.vault.lock()
    await rig.vault.unlock(PASSPHRASE)
    assert.equal((await rig.locations.locations())[file.fileId]?.keep, false)
    await waitFor(() => rig.logs.recent().some(line => line.level === 'warn' && /Keep on this device/.test(line.message)), 5000, 'the warning')
    await rig.locations.keepLocal({ fileId: file.fileId }, true)
    assert.equal((await rig.locations.locations())[file.fileId]?.keep, true)
  })

  it('fetches a kept file that is not wholly here in the background, with progress in the log', async () => {
    const remote = new MemoryBlockstore()
    const rig = await locationsRig(cleanups, { fetchStore: (local) => watchFetches(fakeNetwork(local, remote), () => { rig.locations.blockFetched() }) })
    await rig.vault.create(PASSPHRASE)
    const a = await rig.add('trip/a.bin', 3 * MiB)
    const b = await rig.add('trip/b.bin', 1000)
    await moveBlocks(rig.blockstore, remote, await dagBlocks(rig.blockstore, a.cid))
    await moveBlocks(rig.blockstore, remote, (await dagBlocks(rig.blockstore, b.cid)))
    assert.equal((await rig.locations.locations())[a.fileId]?.local, 'none')

    await rig.locations.keepLocal({ folder: 'trip' }, true)
    await waitFor(async () => {
      const where = await rig.locations.locations()
      return where[a.fileId]?.local === 'all' && where[b.fileId]?.local === 'all'
    }, 10_000, 'kept files fetched')
    assert.ok(rig.logs.recent().some(line => /kept files fetched: 2 of 2/.test(line.message)), 'progress is logged')
    assert.ok(rig.logs.recent().every(line => !line.message.includes('trip')), 'never a name in the log')
    assert.deepEqual(await readAll(rig.vault.files().open(a.fileId).stream), a.bytes)
  })
})
