import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { DeviceBook, type DeviceRecord } from '../../../core/vault/device-book.ts'
import { CairnError } from '../../../core/errors.ts'

const key = new Uint8Array(32).fill(7)
const laptop: DeviceRecord = { peerId: '12D3KooWLaptop', name: 'Chrome on Linux', platform: 'Linux', addedAt: 1000, updatedAt: 1000 }
const phone: DeviceRecord = { peerId: '12D3KooWPhone', name: 'Chrome on Android', platform: 'Android', addedAt: 2000, updatedAt: 2000 }

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return err instanceof CairnError ? err.code : 'not a CairnError' }
  return undefined
}

describe('DeviceBook', () => {
  it('keeps the later rename, whichever order the books merge in', () => {
    const a = new DeviceBook([laptop, phone])
    const b = new DeviceBook([laptop, { ...phone, name: 'My phone', updatedAt: 3000 }])
    const ab = new DeviceBook(a.list()); ab.merge(b)
    const ba = new DeviceBook(b.list()); ba.merge(a)
    assert.deepEqual(ab.list(), ba.list())
    assert.equal(ab.get(phone.peerId)?.name, 'My phone')
  })

  it('a removed device stays removed even when a later rename arrives', () => {
    const book = new DeviceBook([phone])
    book.put({ ...phone, removedAt: 5000, updatedAt: 5000 })
    book.put({ ...phone, name: 'Stale rename', updatedAt: 9000 })
    assert.equal(book.isRemoved(phone.peerId), true)
    assert.equal(book.isMember(phone.peerId), false)
    assert.equal(book.get(phone.peerId)?.name, 'Stale rename')
  })

  it('merging converges for any order and duplicates (property)', () => {
    const record = fc.record({
      peerId: fc.constantFrom('12D3KooWA', '12D3KooWB', '12D3KooWC'),
      name: fc.constantFrom('one', 'two', 'three'),
      platform: fc.constant('Linux'),
      addedAt: fc.integer({ min: 0, max: 10 }),
      updatedAt: fc.integer({ min: 0, max: 10 }),
      removedAt: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined })
    }).map(r => { const out: DeviceRecord = { ...r }; if (r.removedAt === undefined) delete out.removedAt; return out })
    fc.assert(fc.property(fc.array(record, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (records, order) => {
      const forward = new DeviceBook(records)
      const shuffled = [...records]
      for (let i = 0; i < order.length && shuffled.length > 1; i++) {
        const j = (order[i] as number) % shuffled.length
        shuffled.push(...shuffled.splice(j, 1))
      }
      const other = new DeviceBook([...shuffled, ...records.slice(0, 3)])
      assert.deepEqual(forward.list(), other.list())
    }))
  })

  it('seals and opens; a tampered or truncated book is refused', () => {
    const sealed = new DeviceBook([laptop, phone]).seal(key)
    assert.deepEqual(DeviceBook.open(key, sealed).list(), [laptop, phone])
    const flipped = sealed.slice(0, 30) + (sealed[30] === 'A' ? 'B' : 'A') + sealed.slice(31)
    assert.equal(codeOf(() => DeviceBook.open(key, flipped)), 'FORMAT_INVALID')
    assert.equal(codeOf(() => DeviceBook.open(key, sealed.slice(0, sealed.length - 4))), 'FORMAT_INVALID')
    assert.equal(codeOf(() => DeviceBook.open(new Uint8Array(32), sealed)), 'FORMAT_INVALID')
  })

  it('refuses malformed records', () => {
    assert.equal(codeOf(() => new DeviceBook([{ ...laptop, name: '' }])), 'FORMAT_INVALID')
    assert.equal(codeOf(() => new DeviceBook([{ ...laptop, peerId: 'has space' }])), 'FORMAT_INVALID')
    assert.equal(codeOf(() => new DeviceBook([{ ...laptop, updatedAt: 1.5 }])), 'FORMAT_INVALID')
  })
})

describe('describeDevice', () => {
  it('names browser and platform from the user agent', async () => {
    const { describeDevice } = await import('../../../core/vault/device-name.ts')
    assert.deepEqual(describeDevice('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36'), { name: 'Chrome on Linux', platform: 'Linux' })
    assert.deepEqual(describeDevice('Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0'), { name: 'Firefox on Android', platform: 'Android' })
    assert.deepEqual(describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1'), { name: 'Safari on iOS', platform: 'iOS' })
  })
})

describe('device store', () => {
  it('keeps the book sealed in the datastore and reads it back', async () => {
    const { MemoryDatastore } = await import('datastore-core')
    const { loadDeviceBook, saveDeviceBook } = await import('../../../core/vault/device-store.ts')
    const datastore = new MemoryDatastore()
    assert.deepEqual((await loadDeviceBook(datastore, key)).list(), [])
    await saveDeviceBook(datastore, key, new DeviceBook([laptop]))
    assert.deepEqual((await loadDeviceBook(datastore, key)).list(), [laptop])
    const raw = new TextDecoder().decode(await datastore.get(new (await import('interface-datastore')).Key('/cairn/devices')))
    assert.equal(raw.includes('Chrome on Linux'), false, 'names are not stored in the clear')
  })
})
