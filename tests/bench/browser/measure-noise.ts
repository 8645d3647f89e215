import { loadWasmNoiseCrypto } from '../../../core/node/wasm-noise-cipher.ts'
import { ChaCha20Poly1305, newInstance } from '@chainsafe/as-chacha20poly1305'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { mbPerSecond } from './bench-context.ts'

/** Largest Noise transport message payload (65535 minus the 16-byte tag). */
const NOISE_PAYLOAD = 65535 - 16

/**
 * MB/s of the cipher every byte a browser node sends goes through: in a
 * browser @chainsafe/libp2p-noise encrypts with @noble/ciphers'
 * ChaCha20-Poly1305 in JavaScript (its Node build uses node:crypto), one
 * full-size Noise message at a time, on the node's own thread.
 */
export function measureNoiseCipher (bytes: number): number {
  return sealMessages(bytes, (key, nonce, payload) => { chacha20poly1305(key, nonce).encrypt(payload) })
}

/**
 * The same work with `@chainsafe/as-chacha20poly1305` (WebAssembly; installed
 * as a dependency of @chainsafe/libp2p-noise, whose Node build uses it): what
 * a browser node would pay if `noise({ crypto })` were given it.
 */
export function measureNoiseCipherWasm (bytes: number): number {
  const cipher = new ChaCha20Poly1305(newInstance())
  return sealMessages(bytes, (key, nonce, payload) => { cipher.seal(key, nonce, payload) })
}

/** MB/s of `seal` over full-size Noise messages, each with the next nonce (as Noise counts them). */
function sealMessages (bytes: number, seal: (key: Uint8Array, nonce: Uint8Array, payload: Uint8Array) => void): number {
  const key = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const payload = globalThis.crypto.getRandomValues(new Uint8Array(NOISE_PAYLOAD))
  const nonce = new Uint8Array(12)
  const view = new DataView(nonce.buffer)
  let done = 0
  const start = performance.now()
  for (let n = 0; done < bytes; n++) {
    view.setUint32(4, n, true)
    seal(key, nonce, payload)
    done += NOISE_PAYLOAD
  }
  return mbPerSecond(done, performance.now() - start)
}

/** The same work with the cipher a browser node ships with since issue 12 (libsodium's WebAssembly, core/node/wasm-noise-cipher.ts). */
export async function measureNoiseCipherLibsodium (bytes: number): Promise<number> {
  const cipher = await loadWasmNoiseCrypto()
  const none = new Uint8Array(0)
  return sealMessages(bytes, (key, nonce, payload) => { cipher.chaCha20Poly1305Encrypt(payload, nonce, none, key) })
}
