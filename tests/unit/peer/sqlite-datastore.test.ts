import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { DatabaseSync } from 'node:sqlite'
import { Key } from 'interface-datastore'
import { prefixRange, SqliteDatastore } from '../../../relay-server/storage/sqlite-datastore.ts'

const root = mkdtempSync(join(tmpdir(), 'cairn-sqlite-ds-'))
after(() => { rmSync(root, { recursive: true, force: true }) })
let n = 0

async function open (path = join(root, `ds-${++n}`, 'datastore.sqlite')): Promise<SqliteDatastore> {
  const ds = new SqliteDatastore({ path })
  await ds.open()
  return ds
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (value: Uint8Array): string => new TextDecoder().decode(value)

async function keys (it: AsyncIterable<Key> | Iterable<Key>): Promise<string[]> {
  const out: string[] = []
  for await (const key of it) out.push(key.toString())
  return out
}

describe('SqliteDatastore', () => {
  it('puts, gets, overwrites, tells has() and deletes', async () => {
    const ds = await open()
    const key = new Key('/a/b')
    await ds.put(key, bytes('one'))
    assert.equal(text(await ds.get(key)), 'one')
    await ds.put(key, bytes('two'))
    assert.equal(text(await ds.get(key)), 'two')
    assert.equal(await ds.has(key), true)
    assert.equal(await ds.has(new Key('/a/c')), false)
    await ds.put(new Key('/empty'), bytes(''))
    assert.deepEqual(await ds.get(new Key('/empty')), new Uint8Array(0), 'an empty value stays an empty value')
    await ds.delete(key)
    await ds.delete(key)
    await assert.rejects(ds.get(key), (err: Error) => err.name === 'NotFoundError')
    await ds.close()
  })

  it('queries by string prefix, in key order, past one page, with filters, limit and offset', async () => {
    const ds = await open()
    const names = Array.from({ length: 2500 }, (_, i) => `/pin/${String(i).padStart(5, '0')}`)
    await ds.batch().commit()
    const batch = ds.batch()
    for (const name of names) batch.put(new Key(name), bytes(name))
    batch.put(new Key('/pinned'), bytes('x'))
    batch.put(new Key('/pio'), bytes('x'))
    batch.put(new Key('/peers/é'), bytes('x'))
    await batch.commit()

    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/pin/' })), names)
    const all = []
    for await (const pair of ds.query({ prefix: '/pin' })) all.push(pair)
    assert.equal(all.length, names.length + 1, 'string prefix: /pinned matches /pin too')
    assert.equal(text(all[0]?.value ?? new Uint8Array()), '/pin/00000')
    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/peers/' })), ['/peers/é'])
    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/pin/', offset: 10, limit: 2 })), ['/pin/00010', '/pin/00011'])
    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/pin/', filters: [(k) => k.toString().endsWith('99')] })).then((l) => l.length), 25)
    assert.equal((await keys(ds.queryKeys({}))).length, names.length + 3)
    await ds.close()
  })

  it('keeps the last of many concurrent puts to one key (datastore-fs does not)', async () => {
    const ds = await open()
    const key = new Key('/state/vault')
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 5 }, async (_, i) => ds.put(key, bytes(`${round}:${i}`))))
      assert.equal(text(await ds.get(key)), `${round}:4`)
    }
    await ds.close()
  })

  it('lets writes run while a query is being read', async () => {
    const ds = await open()
    for (let i = 0; i < 1500; i++) await ds.put(new Key(`/q/${String(i).padStart(4, '0')}`), bytes('v'))
    let seen = 0
    for await (const { key } of ds.query({ prefix: '/q/' })) {
      seen++
      if (seen % 100 === 0) await ds.delete(key)
      await ds.put(new Key('/other/' + String(seen)), bytes('w'))
    }
    assert.equal(seen, 1500)
    assert.equal((await keys(ds.queryKeys({ prefix: '/q/' }))).length, 1485)
    await ds.close()
  })

  it('commits a batch all at once, and putMany/deleteMany', async () => {
    const ds = await open()
    const pairs = [1, 2, 3].map((i) => ({ key: new Key(`/m/${i}`), value: bytes(String(i)) }))
    assert.deepEqual((await keys(ds.putMany(pairs))), ['/m/1', '/m/2', '/m/3'])
    assert.deepEqual(await keys(ds.deleteMany([new Key('/m/1'), new Key('/m/2')])), ['/m/1', '/m/2'])
    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/m' })), ['/m/3'])
    const got = []
    for await (const pair of ds.getMany([new Key('/m/3')])) got.push(text(pair.value))
    assert.deepEqual(got, ['3'])
    await ds.close()
  })

  it('keeps records across close and open, and refuses use while closed', async () => {
    const path = join(root, 'reopen', 'datastore.sqlite')
    const ds = await open(path)
    await ds.put(new Key('/pkcs8/self'), bytes('key'))
    await ds.close()
    await assert.rejects(ds.get(new Key('/pkcs8/self')), (err: { code?: string }) => err.code === 'STORAGE_FAILED')
    const again = await open(path)
    assert.equal(text(await again.get(new Key('/pkcs8/self'))), 'key')
    await again.close()
  })

  it('a batch that fills the disk fails with QUOTA_EXCEEDED, lands none of its records, and writes go on once there is room', async () => {
    const ds = await open()
    // A full disk, as SQLite sees one: the database may not grow past a few pages (SQLITE_FULL).
    const db = (ds as unknown as { db: DatabaseSync }).db
    db.exec('PRAGMA max_page_count = 8')
    await ds.put(new Key('/kept'), bytes('kept'))
    const batch = ds.batch()
    for (let i = 0; i < 20; i++) batch.put(new Key(`/full/${i}`), new Uint8Array(4000))
    await assert.rejects(async () => { await batch.commit() }, (err: { code?: string }) => err.code === 'QUOTA_EXCEEDED')
    const many = ds.putMany(Array.from({ length: 20 }, (_, i) => ({ key: new Key(`/many/${i}`), value: new Uint8Array(4000) })))
    await assert.rejects(keys(many), (err: { code?: string }) => err.code === 'QUOTA_EXCEEDED')
    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/full' })), [])
    assert.deepEqual(await keys(ds.queryKeys({ prefix: '/many' })), [])
    assert.equal(text(await ds.get(new Key('/kept'))), 'kept')
    db.exec('PRAGMA max_page_count = 1000000')
    const again = ds.batch()
    again.put(new Key('/after'), bytes('room again'))
    await again.commit()
    assert.equal(text(await ds.get(new Key('/after'))), 'room again')
    await ds.close()
  })

  it('computes prefix byte ranges, including 0xff edges', () => {
    assert.deepEqual(prefixRange('/a'), { lower: bytes('/a'), upper: bytes('/b') })
    assert.deepEqual(prefixRange(''), { lower: new Uint8Array(0) })
    assert.deepEqual(prefixRange(undefined), { lower: new Uint8Array(0) })
    // 'ÿ' is c3 bf in UTF-8; U+FFFF is ef bf bf: the last non-0xff byte is bumped.
    assert.deepEqual(prefixRange('\uffff').upper, new Uint8Array([0xef, 0xbf, 0xc0]))
  })
})
