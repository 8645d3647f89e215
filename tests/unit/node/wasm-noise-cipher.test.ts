import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { pureJsCrypto, type ICryptoInterface } from '@chainsafe/libp2p-noise'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { webSockets } from '@libp2p/websockets'
import { Uint8ArrayList } from 'uint8arraylist'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { loadWasmNoiseCrypto } from '../../../core/node/wasm-noise-cipher.ts'
import { SodiumScratch, type SodiumModule } from '../../../core/node/sodium-scratch.ts'
import sodium from 'libsodium-wrappers'
import { randomBytes } from '../backup/helpers.ts'
import type { Stream } from '@libp2p/interface'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const wasm = await loadWasmNoiseCrypto()
const noble: ICryptoInterface = pureJsCrypto
const flat = (bytes: Uint8Array | Uint8ArrayList): Uint8Array => bytes instanceof Uint8Array ? bytes : bytes.subarray()

// RFC 8439 §2.8.2, the AEAD_CHACHA20_POLY1305 test vector.
const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
const nonce = hex('070000004041424344454647')
const ad = hex('50515253c0c1c2c3c4c5c6c7')
const plaintext = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
const sealed = hex(`d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b
  1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de5
  76d26586cec64b6116 1ae10b594f09e26a7e902ecbd0600691`)

describe('Noise cipher from libsodium\'s WebAssembly (the browser node\'s)', () => {
  it('matches RFC 8439\'s test vector both ways', () => {
    assert.deepEqual(flat(wasm.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key)), sealed)
    assert.deepEqual(flat(wasm.chaCha20Poly1305Decrypt(sealed, nonce, ad, key)), plaintext)
  })

  it('seals what Noise\'s own cipher seals, for empty, small and full Noise messages, whole or in pieces', () => {
    const k = randomBytes(32)
    const n = Uint8Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0])
    for (const size of [0, 1, 4096, 65519]) {
      const message = randomBytes(size)
      const expected = flat(noble.chaCha20Poly1305Encrypt(message, n, new Uint8Array(0), k))
      assert.deepEqual(flat(wasm.chaCha20Poly1305Encrypt(message, n, new Uint8Array(0), k)), expected, `${size} bytes`)
      const pieces = new Uint8ArrayList(message.subarray(0, size >> 1), message.subarray(size >> 1))
      assert.deepEqual(flat(wasm.chaCha20Poly1305Encrypt(pieces, n, new Uint8Array(0), k)), expected, `${size} bytes in pieces`)
      assert.deepEqual(flat(wasm.chaCha20Poly1305Decrypt(new Uint8ArrayList(expected.subarray(0, 7), expected.subarray(7)), n, new Uint8Array(0), k)), message, `${size} bytes opened from pieces`)
    }
  })

  it('refuses a message with any byte flipped, cut short, under another nonce or key, or with other data', () => {
    const refused = (bytes: Uint8Array, n = nonce, a = ad, k = key): void => {
      assert.throws(() => wasm.chaCha20Poly1305Decrypt(bytes, n, a, k), /failed authentication/)
    }
    for (const at of [0, 57, sealed.length - 17, sealed.length - 1]) {
      const tampered = sealed.slice()
      tampered[at] = (tampered[at] ?? 0) ^ 1
      refused(tampered)
    }
    refused(sealed.subarray(0, sealed.length - 1))
    refused(sealed.subarray(0, 15))
    refused(new Uint8Array(0))
    refused(sealed, hex('070000004041424344454648'))
    refused(sealed, nonce, ad, key.map((b) => b ^ 0x80))
    refused(sealed, nonce, ad.subarray(1))
  })
})

describe('libsodium through one reused heap buffer', () => {
  const module = (sodium as unknown as { libsodium: SodiumModule }).libsodium

  it('opens on the installed libsodium (its test vector passes), and not on a module of another shape', () => {
    assert.ok(SodiumScratch.open(module) !== undefined)
    assert.equal(SodiumScratch.open(undefined), undefined)
    assert.equal(SodiumScratch.open({ ...module, _crypto_aead_chacha20poly1305_ietf_encrypt: (...args: number[]) => args.length }), undefined)
  })

  it('decrypts into the bytes Noise hands for it, and a message too large for the buffer still goes through libsodium', () => {
    const k = randomBytes(32)
    const n = new Uint8Array(12)
    const message = randomBytes(65519)
    const sealedMessage = flat(wasm.chaCha20Poly1305Encrypt(message, n, new Uint8Array(0), k))
    const chunk = sealedMessage.slice()
    const dst = chunk.subarray(0, chunk.length - 16)
    const opened = flat(wasm.chaCha20Poly1305Decrypt(chunk, n, new Uint8Array(0), k, dst))
    assert.deepEqual(opened, message)
    assert.equal(opened.buffer, chunk.buffer, 'written in place, no new buffer')
    const large = randomBytes(100_000)
    const sealedLarge = flat(wasm.chaCha20Poly1305Encrypt(large, n, new Uint8Array(0), k))
    assert.deepEqual(sealedLarge, flat(noble.chaCha20Poly1305Encrypt(large, n, new Uint8Array(0), k)))
    assert.deepEqual(flat(wasm.chaCha20Poly1305Decrypt(sealedLarge, n, new Uint8Array(0), k)), large)
    sealedLarge[5] = (sealedLarge[5] ?? 0) ^ 1
    assert.throws(() => wasm.chaCha20Poly1305Decrypt(sealedLarge, n, new Uint8Array(0), k), /failed authentication/)
  })
})

describe('a node with the WebAssembly cipher and one with Node\'s own', () => {
  const nodes: CairnHelia[] = []
  after(async () => { await Promise.all(nodes.map(async (node) => { await node.stop() })) })

  async function start (listen: string[], noiseCrypto?: ICryptoInterface): Promise<CairnHelia> {
    const node = createNode({ listen, allowPrivateAddresses: true, agentName: 'cairn-test' }, {
      blockstore: new MemoryBlockstore(),
      datastore: new MemoryDatastore(),
      transports: [webSockets()],
      ...(noiseCrypto !== undefined ? { noiseCrypto } : {})
    })
    await node.start()
    nodes.push(node)
    return node
  }

  it('talk: 3 MiB sent through the connection come back byte for byte', async () => {
    const server = await start(['/ip4/127.0.0.1/tcp/0/ws'])
    // Counted, to know the connection's bytes went through this cipher.
    const used = { sealed: 0, opened: 0 }
    const browserLike = await start([], {
      ...wasm,
      chaCha20Poly1305Encrypt: (...args) => { used.sealed++; return wasm.chaCha20Poly1305Encrypt(...args) },
      chaCha20Poly1305Decrypt: (...args) => { used.opened++; return wasm.chaCha20Poly1305Decrypt(...args) }
    })
    await server.libp2p.handle('/cairn-test/echo/1.0.0', (stream: Stream) => {
      void (async () => {
        for await (const chunk of stream) {
          if (!stream.send(chunk)) await stream.onDrain()
        }
        await stream.close()
      })()
    })
    const address = server.libp2p.getMultiaddrs()[0]
    assert.ok(address !== undefined)
    const stream = await browserLike.libp2p.dialProtocol(address, '/cairn-test/echo/1.0.0')
    const payload = randomBytes(3 * 1024 * 1024)
    const pieces: Uint8Array[] = []
    let received = 0
    const reading = (async () => {
      for await (const chunk of stream) {
        pieces.push(chunk.subarray())
        received += chunk.byteLength
        if (received >= payload.byteLength) break
      }
    })()
    for (let at = 0; at < payload.byteLength; at += 256 * 1024) {
      if (!stream.send(payload.subarray(at, at + 256 * 1024))) await stream.onDrain()
    }
    await reading
    assert.equal(received, payload.byteLength)
    assert.ok(Buffer.concat(pieces).equals(payload), 'the echo differs from what was sent')
    // 3 MiB is at least 48 full Noise messages each way.
    assert.ok(used.sealed >= 48 && used.opened >= 48, JSON.stringify(used))
  })
})
