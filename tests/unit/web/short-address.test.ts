import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { shortenMiddle } from '../../../web/lib/short-address.ts'

describe('shortenMiddle', () => {
  it('keeps both ends of a long address and cuts the middle', () => {
    const address = '/ip4/192.168.1.20/tcp/4201/ws/p2p/12D3KooWQzx9kJ1e2rHtWvYbF3m8pNaSdL7cUo5gXiKyZwE4TqRs'
    const short = shortenMiddle(address)
    assert.equal(short, '/ip4/192.168.1…ZwE4TqRs')
    assert.equal([...short].length, 14 + 1 + 8)
  })

  it('leaves text that is short enough as it is', () => {
    assert.equal(shortenMiddle('12D3KooWabc'), '12D3KooWabc')
    assert.equal(shortenMiddle('x'.repeat(23)), 'x'.repeat(23))
    assert.equal(shortenMiddle('x'.repeat(24)), `${'x'.repeat(14)}…${'x'.repeat(8)}`)
  })

  it('takes the lengths it is given, and never splits a character made of two UTF-16 units', () => {
    assert.equal(shortenMiddle('abcdefghij', 2, 2), 'ab…ij')
    assert.equal(shortenMiddle('😀😀😀😀😀😀', 1, 1), '😀…😀')
  })
})
