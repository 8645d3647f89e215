/** A message whole, or in pieces (Noise hands a list of pieces: a yamux header and the data after it). */
export type Pieces = Uint8Array | Iterable<Uint8Array> & { byteLength: number }

/**
 * The slice of libsodium's Emscripten module used here (libsodium-wrappers
 * exposes it as `libsodium`). The AEAD functions take 64-bit lengths as two
 * 32-bit halves (low, high): 11 arguments each.
 */
export interface SodiumModule {
  HEAPU8: Uint8Array
  _malloc: (bytes: number) => number
  _crypto_aead_chacha20poly1305_ietf_encrypt: (...args: number[]) => number
  _crypto_aead_chacha20poly1305_ietf_decrypt: (...args: number[]) => number
}

const TAG_BYTES = 16
/** Noise's frame length prefix (uint16, big-endian). */
const LENGTH_PREFIX_BYTES = 2
/** Noise's largest message, ciphertext and tag. */
const MESSAGE_BYTES = 65535
/** Noise's associated data: none in transport messages, the 32-byte handshake hash in the handshake. */
const AD_BYTES = 64
const KEY_BYTES = 32
const NONCE_BYTES = 12

/**
 * ChaCha20-Poly1305 (IETF) through libsodium's module with one buffer in its
 * heap, reused by every call: the wrapper's functions allocate and free heap
 * space and a new output array for each ~64 KiB Noise message, and the
 * decryption can write straight into the bytes Noise hands for it.
 *
 * Checked once against RFC 8439's test vector when opened; `open` returns
 * undefined when the module is not the expected one, so callers keep the
 * wrapper's functions.
 */
export class SodiumScratch {
  private readonly message: number
  private readonly ad: number
  private readonly key: number
  private readonly nonce: number

  private constructor (private readonly m: SodiumModule) {
    this.message = m._malloc(MESSAGE_BYTES + AD_BYTES + KEY_BYTES + NONCE_BYTES)
    this.ad = this.message + MESSAGE_BYTES
    this.key = this.ad + AD_BYTES
    this.nonce = this.key + KEY_BYTES
  }

  static open (m: SodiumModule | undefined): SodiumScratch | undefined {
    if (m === undefined || typeof m._malloc !== 'function' || !(m.HEAPU8 instanceof Uint8Array)) return undefined
    if (m._crypto_aead_chacha20poly1305_ietf_encrypt?.length !== 11 || m._crypto_aead_chacha20poly1305_ietf_decrypt?.length !== 11) return undefined
    try {
      const scratch = new SodiumScratch(m)
      return scratch.passesVector() ? scratch : undefined
    } catch {
      return undefined
    }
  }

  /** Whether a message of `bytes` (ciphertext with its tag) and `adBytes` of associated data fit. */
  fits (bytes: number, adBytes: number): boolean {
    return bytes <= MESSAGE_BYTES && adBytes <= AD_BYTES
  }

  /**
   * Ciphertext and tag of `plaintext` (which must fit with its tag); pieces
   * are copied straight into the heap, never joined first. The two bytes
   * before the returned view (in its own buffer) hold its length big-endian,
   * as Noise prefixes a frame, so the prefix and the frame can leave as one
   * WebSocket message without a copy (adjacent-sends.ts).
   */
  seal (plaintext: Pieces, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
    const length = plaintext.byteLength
    const heap = this.load(plaintext, ad, nonce, key)
    const rc = this.m._crypto_aead_chacha20poly1305_ietf_encrypt(this.message, 0, this.message, length, 0, this.ad, ad.length, 0, 0, this.nonce, this.key)
    this.forgetKey()
    if (rc !== 0) throw new Error('libsodium refused to encrypt')
    const sealed = length + TAG_BYTES
    const out = new Uint8Array(LENGTH_PREFIX_BYTES + sealed)
    out[0] = (sealed >>> 8) & 0xff
    out[1] = sealed & 0xff
    out.set(heap.subarray(this.message, this.message + sealed), LENGTH_PREFIX_BYTES)
    return out.subarray(LENGTH_PREFIX_BYTES)
  }

  /** The plaintext, written into `dst` when it is long enough; undefined when the message fails authentication. */
  open (ciphertext: Pieces, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array, dst?: Uint8Array): Uint8Array | undefined {
    if (ciphertext.byteLength < TAG_BYTES) return undefined
    const heap = this.load(ciphertext, ad, nonce, key)
    const rc = this.m._crypto_aead_chacha20poly1305_ietf_decrypt(this.message, 0, 0, this.message, ciphertext.byteLength, 0, this.ad, ad.length, 0, this.nonce, this.key)
    this.forgetKey()
    if (rc !== 0) return undefined
    const length = ciphertext.byteLength - TAG_BYTES
    const plaintext = heap.subarray(this.message, this.message + length)
    if (dst === undefined || dst.length < length) return plaintext.slice()
    dst.set(plaintext)
    return dst.subarray(0, length)
  }

  /** Copies the inputs into the heap; the heap view is read afresh, as a grown memory replaces it. */
  private load (message: Pieces, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
    if (key.length !== KEY_BYTES || nonce.length !== NONCE_BYTES) throw new Error('ChaCha20-Poly1305 takes a 32-byte key and a 12-byte nonce')
    const heap = this.m.HEAPU8
    if (message instanceof Uint8Array) {
      heap.set(message, this.message)
    } else {
      let at = this.message
      for (const piece of message) { heap.set(piece, at); at += piece.byteLength }
    }
    heap.set(ad, this.ad)
    heap.set(key, this.key)
    heap.set(nonce, this.nonce)
    return heap
  }

  private forgetKey (): void {
    this.m.HEAPU8.fill(0, this.key, this.key + KEY_BYTES)
  }

  /** RFC 8439 §2.8.2 both ways, and a flipped tag refused. */
  private passesVector (): boolean {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
    const nonce = Uint8Array.of(7, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47)
    const ad = Uint8Array.of(0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7)
    const text = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
    const sealed = this.seal(text, ad, nonce, key)
    const expectedTag = [0x1a, 0xe1, 0x0b, 0x59, 0x4f, 0x09, 0xe2, 0x6a, 0x7e, 0x90, 0x2e, 0xcb, 0xd0, 0x60, 0x06, 0x91]
    if (sealed.length !== text.length + TAG_BYTES || sealed[0] !== 0xd3 || sealed[1] !== 0x1a) return false
    if (!expectedTag.every((byte, i) => sealed[text.length + i] === byte)) return false
    const opened = this.open(sealed, ad, nonce, key)
    if (opened === undefined || opened.length !== text.length || !opened.every((byte, i) => byte === text[i])) return false
    const tampered = sealed.slice()
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1
    return this.open(tampered, ad, nonce, key) === undefined
  }
}
