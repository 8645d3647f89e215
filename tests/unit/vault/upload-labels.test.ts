import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { openUploadLabel, sealUploadLabel } from '../../../core/vault/upload-labels.ts'

const key = Uint8Array.from({ length: 32 }, (_, i) => i)

describe('upload labels (the path a cut-off upload is named by)', () => {
  it('seal and open give the path back; the sealed bytes hold no trace of it', () => {
    for (const path of ['big.bin', 'Photos/2024/Zürich ☃.jpg', '']) {
      const sealed = sealUploadLabel(key, path)
      assert.equal(openUploadLabel(key, sealed), path)
      if (path !== '') assert.ok(!Buffer.from(sealed).includes(Buffer.from(path)))
    }
  })

  it('the format: secretbox v1 (version, 24-byte nonce, XChaCha20-Poly1305) with the AAD "cairn upload label v1"', () => {
    const nonce = new Uint8Array(24).fill(9)
    const body = xchacha20poly1305(key, nonce, new TextEncoder().encode('cairn upload label v1')).encrypt(new TextEncoder().encode('a/b.txt'))
    const sealed = new Uint8Array([1, ...nonce, ...body])
    assert.equal(openUploadLabel(key, sealed), 'a/b.txt')
  })

  it('a changed, cut or foreign label opens to nothing, never to wrong words', () => {
    const sealed = sealUploadLabel(key, 'notes.txt')
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice()
      bad[i] = (bad[i] as number) ^ 1
      assert.equal(openUploadLabel(key, bad), undefined, `byte ${i}`)
    }
    for (let cut = 0; cut < sealed.length; cut++) assert.equal(openUploadLabel(key, sealed.subarray(0, cut)), undefined, `cut at ${cut}`)
    assert.equal(openUploadLabel(new Uint8Array(32).fill(1), sealed), undefined)
  })
})
