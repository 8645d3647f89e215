/**
 * Dedicated worker: checks the IndexedDB datastore (get/put/has/delete,
 * batches, queries by prefix with filters, orders and limits) and that its
 * records outlive a page reload.
 */
import { Key } from 'interface-datastore'
import { IdbDatastore } from '../../../sw/storage/idb-datastore.ts'
import { bytesEqual, equal, errorName, ok, rejects } from '../../contract/assert.ts'
import { collectAll } from '../../contract/block-fixtures.ts'
import { check, type CaseResult, type SuiteReport } from './harness.ts'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
const keysOf = (pairs: Array<{ key: Key }>): string[] => pairs.map((p) => p.key.toString())

async function firstLoad (store: IdbDatastore, results: CaseResult[]): Promise<void> {
  await check(results, 'put, get, has and delete', async () => {
    const key = new Key('/cairn/settings/theme')
    equal(await store.has(key), false, 'has() before put')
    await store.put(key, utf8('dark'))
    equal(await store.has(key), true, 'has() after put')
    equal(text(await store.get(key)), 'dark', 'get() after put')
    await store.put(key, utf8('light'))
    equal(text(await store.get(key)), 'light', 'get() after overwrite')
    await store.delete(key)
    equal(await store.has(key), false, 'has() after delete')
    const err = await rejects(async () => store.get(key), 'get() after delete')
    equal(errorName(err), 'NotFoundError', 'get() of a missing key')
  })

  await check(results, 'stores a view into a larger buffer as just its bytes', async () => {
    const big = new Uint8Array(1000).fill(7)
    await store.put(new Key('/cairn/view'), big.subarray(10, 14))
    const value = await store.get(new Key('/cairn/view'))
    bytesEqual(value, Uint8Array.of(7, 7, 7, 7), 'view bytes')
    equal(value.buffer.byteLength, 4, 'stored buffer size')
  })

  await check(results, 'query by prefix, with filters, orders, offset and limit', async () => {
    const devices = ['b', 'a', 'c', 'a\uffff', 'ab']
    for (const d of devices) await store.put(new Key(`/cairn/index/heads/${d}`), utf8(`head-${d}`))
    await store.put(new Key('/cairn/indexes'), utf8('not a head'))
    await store.put(new Key('/cairn/vault'), utf8('wrapped key'))

    const heads = await collectAll(store.query({ prefix: '/cairn/index/heads/' }))
    equal(keysOf(heads).join(','), devices.map((d) => `/cairn/index/heads/${d}`).sort().join(','), 'prefix query keys, in key order')
    for (const pair of heads) equal(text(pair.value), `head-${pair.key.baseNamespace()}`, 'prefix query values')

    const all = await collectAll(store.queryKeys({ prefix: '/cairn/' }))
    equal(all.length, devices.length + 3, 'queryKeys() under /cairn/')
    const filtered = await collectAll(store.query({ prefix: '/cairn/index/heads/', filters: [(p) => text(p.value).endsWith('b')] }))
    equal(keysOf(filtered).join(','), '/cairn/index/heads/ab,/cairn/index/heads/b', 'filter')
    const ordered = await collectAll(store.query({ prefix: '/cairn/index/heads/', orders: [(x, y) => x.key.toString() < y.key.toString() ? 1 : -1], offset: 1, limit: 2 }))
    equal(keysOf(ordered).join(','), '/cairn/index/heads/b,/cairn/index/heads/a\uffff', 'order, offset, limit')
  })

  await check(results, 'batch, putMany and deleteMany', async () => {
    const batch = store.batch()
    for (let i = 0; i < 5; i++) batch.put(new Key(`/batch/${i}`), utf8(String(i)))
    batch.delete(new Key('/batch/3'))
    await batch.commit()
    equal((await collectAll(store.queryKeys({ prefix: '/batch/' }))).length, 4, 'records after a batch')
    equal(await store.has(new Key('/batch/3')), false, 'deleted in the batch')
    await collectAll(store.putMany([{ key: new Key('/many/1'), value: utf8('1') }, { key: new Key('/many/2'), value: utf8('2') }]))
    equal(text(await store.get(new Key('/many/2'))), '2', 'putMany()')
    await collectAll(store.deleteMany([new Key('/many/1'), new Key('/many/2'), new Key('/batch/0')]))
    equal((await collectAll(store.queryKeys({ prefix: '/many/' }))).length, 0, 'deleteMany()')
    equal(await store.has(new Key('/batch/0')), false, 'deleteMany() across prefixes')
  })
}

async function afterReload (store: IdbDatastore, results: CaseResult[]): Promise<void> {
  await check(results, 'after reload: records written before the reload are there', async () => {
    equal(text(await store.get(new Key('/cairn/vault'))), 'wrapped key', '/cairn/vault')
    const heads = await collectAll(store.query({ prefix: '/cairn/index/heads/' }))
    equal(heads.length, 5, 'index heads')
    equal(await store.has(new Key('/batch/3')), false, 'a delete before the reload')
    ok(await store.has(new Key('/batch/4')), 'a batch put before the reload')
  })

  // A database the browser closes behind the store (site data cleared, storage failing)
  // threw IndexedDB's raw InvalidStateError at every later call.
  await check(results, 'a database closed or deleted behind the store: every call fails as STORAGE_FAILED, in words', async () => {
    const closedWords = (err: unknown, what: string): void => {
      equal((err as { code?: string }).code, 'STORAGE_FAILED', `${what}: code`)
      ok(String((err as Error).message).includes('closed this device\'s Cairn database'), `${what}: words (${String((err as Error).message)})`)
    }
    const closedBehind = new IdbDatastore({ name: 'cairn-datastore-closed-test' })
    await closedBehind.start()
    await closedBehind.put(new Key('/k'), utf8('v'))
    // What the browser's own closing leaves: a connection that refuses transactions.
    ;(closedBehind as unknown as { db: IDBDatabase }).db.close()
    closedWords(await rejects(async () => closedBehind.put(new Key('/k'), utf8('w')), 'put() on a closed database'), 'put')
    closedWords(await rejects(async () => closedBehind.get(new Key('/k')), 'get() on a closed database'), 'get')
    await closedBehind.stop()

    const deletedBehind = new IdbDatastore({ name: 'cairn-datastore-deleted-test' })
    await deletedBehind.start()
    await deletedBehind.put(new Key('/k'), utf8('v'))
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('cairn-datastore-deleted-test')
      request.onsuccess = () => { resolve() }
      request.onerror = () => { reject(request.error) }
    })
    closedWords(await rejects(async () => deletedBehind.has(new Key('/k')), 'has() on a deleted database'), 'has')
    await deletedBehind.stop()
  })
}

async function main (): Promise<SuiteReport> {
  const results: CaseResult[] = []
  const store = new IdbDatastore({ name: 'cairn-datastore-test' })
  await store.start()
  try {
    const reloaded = await store.has(new Key('/cairn/vault'))
    if (reloaded) await afterReload(store, results)
    else await firstLoad(store, results)
    return { suite: reloaded ? 'datastore-after-reload' : 'datastore', results, notes: [] }
  } finally {
    await store.stop()
  }
}

main().then(
  (report) => { postMessage(report) },
  (err: unknown) => { postMessage({ suite: 'datastore', results: [{ name: 'worker setup', ok: false, error: String(err), ms: 0 }], notes: [] }) }
)
