import { pureJsCrypto, type ICryptoInterface } from '@chainsafe/libp2p-noise'
import sodium from 'libsodium-wrappers'
import { SodiumScratch, type SodiumModule } from './sodium-scratch.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Noise's crypto for a browser node with ChaCha20-Poly1305 from libsodium's
 * WebAssembly build (issue 12): every byte a browser node sends or receives
 * goes through this cipher, and @noble's JavaScript one (Noise's browser
 * default) runs at ~115 MB/s where libsodium's runs at ~280–400. The
 * handshake (X25519, SHA-256, HKDF) stays @noble's: it runs once per connection.
 *
 * Node keeps Noise's own default, which is native (node:crypto) and faster still.
 */
export async function loadWasmNoiseCrypto (): Promise<ICryptoInterface> {
  await sodium.ready
  // libsodium's own module, for calls into one reused buffer (sodium-scratch.ts); the wrapper's typings omit it.
  const scratch = SodiumScratch.open((sodium as unknown as { libsodium?: SodiumModule }).libsodium)
  return {
    ...pureJsCrypto,
    chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
      const a = whole(ad)
      // Noise's pieces go into libsodium's heap as they are: no join first.
      if (scratch?.fits(plaintext.byteLength + 16, a.length) === true) return scratch.seal(plaintext, a, nonce, k)
      return sodium.crypto_aead_chacha20poly1305_ietf_encrypt(whole(plaintext), a, null, nonce, k)
    },
    // Noise hands `dst`, the ciphertext's own bytes, to decrypt into: no new buffer per message.
    chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
      const a = whole(ad)
      const opened = scratch?.fits(ciphertext.byteLength, a.length) === true ? scratch.open(ciphertext, a, nonce, k, dst) : wrapperOpen(whole(ciphertext), a, nonce, k)
      if (opened === undefined) throw new Error('Noise message failed authentication (tampered, truncated or a wrong key)')
      return opened
    }
  }
}

/** libsodium's cipher, or undefined (Noise's JavaScript default, said to `warn`) where its WebAssembly cannot load. */
export async function wasmNoiseCryptoOrDefault (warn: (message: string) => void = () => {}): Promise<ICryptoInterface | undefined> {
  try {
    return await loadWasmNoiseCrypto()
  } catch (err) {
    warn(`libsodium's WebAssembly did not load (${(err as Error).message}); connections use the slower JavaScript cipher`)
    return undefined
  }
}

function wrapperOpen (ciphertext: Uint8Array, ad: Uint8Array, nonce: Uint8Array, k: Uint8Array): Uint8Array | undefined {
  try {
    return sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, k)
  } catch {
    return undefined
  }
}

/** One contiguous view: Noise may hand a message as a list of pieces. */
function whole (bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}
