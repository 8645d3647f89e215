import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { DEFAULT_CHUNK_SIZE } from '../../../core/crypto/stream-constants.ts'
import { downloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { randomBytes, startVault, type Cleanups } from '../vault/share-test-support.ts'
import { launchCookie, startTestServer } from './app-server-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const CHUNK = DEFAULT_CHUNK_SIZE

describe('desktop downloads answer Range requests', () => {
  it('a single range gets 206 with exactly those bytes; past the end 416; several ranges or an If-Range the whole file', async () => {
    const { vault } = await startVault(cleanups)
    const content = randomBytes(3 * CHUNK + 1234)
    const size = content.length
    const added = await vault.files().add({ file: new Blob([content]), path: 'films/trip.mp4', mtime: 0, type: 'video/mp4' })
    const test = await startTestServer({}, vault)
    cleanups.push(test.close)
    const cookie = await launchCookie(test.server)
    const url = `${test.server.origin}${downloadUrl(added.file.fileId, undefined, true)}`
    const get = async (range?: string, more: Record<string, string> = {}): Promise<Response> => await fetch(url, { headers: { cookie, ...(range !== undefined ? { range } : {}), ...more } })

    const whole = await get()
    assert.equal(whole.status, 200)
    assert.equal(whole.headers.get('accept-ranges'), 'bytes')
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), content)
    // A download cut off after 2 MiB resumes with If-Range: the ETag of what it got, while the content is the same.
    const etag = whole.headers.get('etag') ?? ''
    assert.equal(etag, `"${added.file.cid}"`)
    const resumed = await get(`bytes=${2 * CHUNK}-`, { 'if-range': etag })
    assert.equal(resumed.status, 206)
    assert.equal(resumed.headers.get('etag'), etag)
    assert.deepEqual(new Uint8Array(await resumed.arrayBuffer()), content.subarray(2 * CHUNK))

    const cases: Array<[string, number, number]> = [
      [`bytes=${CHUNK - 3}-${CHUNK + 2}`, CHUNK - 3, CHUNK + 3], // across a chunk boundary
      [`bytes=${2 * CHUNK + 7}-`, 2 * CHUNK + 7, size], // from the middle to the end
      ['bytes=-100', size - 100, size], // the last 100 bytes
      [`bytes=${size - 1}-${size + 50}`, size - 1, size], // the last byte, the end past it cut
      ['bytes=0-0', 0, 1],
      ['bytes=0-', 0, size]
    ]
    for (const [range, from, to] of cases) {
      const part = await get(range)
      assert.equal(part.status, 206, range)
      assert.equal(part.headers.get('content-range'), `bytes ${from}-${to - 1}/${size}`, range)
      assert.equal(part.headers.get('content-length'), String(to - from), range)
      // The same headers as the whole file: inline video under the files' sandbox.
      assert.match(part.headers.get('content-disposition') ?? '', /^inline;/)
      assert.equal(part.headers.get('content-type'), 'video/mp4')
      assert.ok((part.headers.get('content-security-policy') ?? '').includes('sandbox'))
      assert.equal(part.headers.get('x-content-type-options'), 'nosniff')
      const bytes = new Uint8Array(await part.arrayBuffer())
      assert.ok(Buffer.from(bytes).equals(Buffer.from(content.subarray(from, to))), `bytes of ${range}`)
    }

    const past = await get(`bytes=${size}-`)
    assert.equal(past.status, 416)
    assert.equal(past.headers.get('content-range'), `bytes */${size}`)
    assert.equal((await past.arrayBuffer()).byteLength, 0)

    for (const [range, more] of [['bytes=0-1,5-6', {}], ['bytes=9-2', {}], ['pages=1-2', {}], ['bytes=0-1', { 'if-range': '"an-old-etag"' }]] as const) {
      const full = await get(range, more)
      assert.equal(full.status, 200, range)
      assert.equal((await full.arrayBuffer()).byteLength, size, range)
    }
  })
})
