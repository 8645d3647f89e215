import { pureJsCrypto, type ICryptoInterface } from '@chainsafe/libp2p-noise'
import sodium from 'libsodium-wrappers'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Noise's crypto for a browser node with ChaCha20-Poly1305 from libsodium's
 * WebAssembly build (issue 12): every byte a browser node sends or receives
 * goes through this cipher, and @noble's JavaScript one (Noise's browser
 * default) runs at ~115 MB/s where libsodium's runs at ~280. The handshake
 * (X25519, SHA-256, HKDF) stays @noble's: it runs once per connection.
 *
 * Node keeps Noise's own default, which is native (node:crypto) and faster still.
 */
export async function loadWasmNoiseCrypto (): Promise<ICryptoInterface> {
  await sodium.ready
  return {
    ...pureJsCrypto,
    chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
      return sodium.crypto_aead_chacha20poly1305_ietf_encrypt(whole(plaintext), whole(ad), null, nonce, k)
    },
    // libsodium writes the plaintext into its own buffer, so Noise's `dst` (a place to decrypt in place) goes unused.
    chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k) {
      try {
        return sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, whole(ciphertext), whole(ad), nonce, k)
      } catch {
        throw new Error('Noise message failed authentication (tampered, truncated or a wrong key)')
      }
    }
  }
}

/** One contiguous view: Noise may hand a message as a list of pieces. */
function whole (bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}

/** libsodium's cipher, or undefined (Noise's JavaScript default) where its WebAssembly cannot load. */
export async function wasmNoiseCryptoOrDefault (): Promise<ICryptoInterface | undefined> {
  try {
    return await loadWasmNoiseCrypto()
  } catch {
    return undefined
  }
}
