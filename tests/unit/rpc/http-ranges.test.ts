import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chooseRange, contentTag, isStrongTag, partHeaders, unsatisfiableHeaders } from '../../../core/rpc/http-ranges.ts'

const part = (offset: number, length: number): ReturnType<typeof chooseRange> => ({ kind: 'part', offset, length })
const whole = { kind: 'whole' }
const unsatisfiable = { kind: 'unsatisfiable' }

describe('HTTP Range requests of a download', () => {
  it('answers the three single-range forms with exactly those bytes, clamped to the file', () => {
    assert.deepEqual(chooseRange('bytes=0-499', null, 1000), part(0, 500))
    assert.deepEqual(chooseRange('bytes=500-999', null, 1000), part(500, 500))
    assert.deepEqual(chooseRange('bytes=500-', null, 1000), part(500, 500))
    assert.deepEqual(chooseRange('bytes=-1', null, 1000), part(999, 1))
    assert.deepEqual(chooseRange('bytes=-300', null, 1000), part(700, 300))
    assert.deepEqual(chooseRange('bytes=0-0', null, 1000), part(0, 1))
    assert.deepEqual(chooseRange('bytes=999-999', null, 1000), part(999, 1))
    assert.deepEqual(chooseRange('bytes=0-', null, 1000), part(0, 1000))
    // Past the end is cut to the end; a suffix longer than the file is the file.
    assert.deepEqual(chooseRange('bytes=900-5000', null, 1000), part(900, 100))
    assert.deepEqual(chooseRange('bytes=-5000', null, 1000), part(0, 1000))
    assert.deepEqual(chooseRange('bytes=10-99999999999999999999999', null, 1000), part(10, 990))
    // The unit is case-insensitive; spaces around the header value are not part of it.
    assert.deepEqual(chooseRange(' Bytes=1-2 ', null, 1000), part(1, 2))
  })

  it('answers 416 for a range that starts past the end, an empty suffix, or any range of an empty file', () => {
    assert.deepEqual(chooseRange('bytes=1000-', null, 1000), unsatisfiable)
    assert.deepEqual(chooseRange('bytes=1000-1001', null, 1000), unsatisfiable)
    assert.deepEqual(chooseRange('bytes=99999999999999999999-', null, 1000), unsatisfiable)
    assert.deepEqual(chooseRange('bytes=-0', null, 1000), unsatisfiable)
    assert.deepEqual(chooseRange('bytes=0-', null, 0), unsatisfiable)
    assert.deepEqual(chooseRange('bytes=-5', null, 0), unsatisfiable)
  })

  it('gives the whole file for no Range, several ranges, another unit, a malformed or invalid one, or an If-Range it cannot check', () => {
    for (const header of [undefined, null, 'bytes=0-1,5-6', 'bytes=0-1, 5-6', 'items=0-1', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=1-2-3',
      'bytes=5-1', 'bytes=+1-2', 'bytes=1.5-2', 'bytes=0x10-', 'bytes 0-1', '0-1', 'bytes=--1', 'bytes=1 - 2']) {
      assert.deepEqual(chooseRange(header, null, 1000), whole, String(header))
    }
    assert.deepEqual(chooseRange('bytes=0-1', '"some-etag"', 1000), whole)
    assert.deepEqual(chooseRange('bytes=0-1', 'Wed, 21 Oct 2015 07:28:00 GMT', 1000), whole)
  })

  it('a resumed download (If-Range with the file\'s ETag) gets the rest; another tag, a weak one or a date gets the whole file', () => {
    const etag = contentTag('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
    assert.equal(etag, '"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"')
    assert.ok(isStrongTag(etag))
    assert.deepEqual(chooseRange('bytes=600-', etag, 1000, etag), part(600, 400))
    assert.deepEqual(chooseRange('bytes=600-', ` ${etag} `, 1000, etag), part(600, 400))
    assert.deepEqual(chooseRange('bytes=600-', '"bafkreiother"', 1000, etag), whole)
    assert.deepEqual(chooseRange('bytes=600-', `W/${etag}`, 1000, etag), whole)
    assert.deepEqual(chooseRange('bytes=600-', 'Wed, 21 Oct 2015 07:28:00 GMT', 1000, etag), whole)
    // Without a tag of its own, a file cannot tell: the whole file.
    assert.deepEqual(chooseRange('bytes=600-', etag, 1000), whole)
    for (const bad of ['bare', '"a\r\nSet-Cookie: x"', 'W/"weak"', '"quo"te"', 7, undefined]) assert.equal(isStrongTag(bad), false, String(bad))
  })

  it('a 206 says which bytes of how many, and their exact length; a 416 says the size', () => {
    assert.deepEqual(partHeaders({ offset: 0, length: 1 }, 1000), { 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes 0-0/1000', 'Content-Length': '1' })
    assert.deepEqual(partHeaders({ offset: 700, length: 300 }, 1000), { 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes 700-999/1000', 'Content-Length': '300' })
    const refused = unsatisfiableHeaders(1000)
    assert.equal(refused['Content-Range'], 'bytes */1000')
    assert.equal(refused['Content-Length'], '0')
  })
})
