import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'

/**
 * How the desktop daemon proves, on every new socket, that it is the daemon
 * that served the page (DESIGN §10; core/rpc/socket-messages.ts).
 *
 * Why: the app's port is fixed and any local account may bind a free loopback
 * port. If the daemon dies while its window stays open, another user's
 * process can take the port, answer `/rpc/session` with 204 and accept the
 * socket; the window would reconnect and send it every call, passphrases
 * included. Nothing the window *sends* can tell the two apart: the launch
 * cookie goes to whoever holds the port (a browser sends it to every
 * 127.0.0.1 port), so a secret derived from it, or an id the daemon once sent
 * on a socket, is known to anyone who has seen the cookie.
 *
 * So each launch makes an Ed25519 key pair. The private key never leaves the
 * daemon's process; the public key is written into the index.html the daemon
 * serves (DAEMON_KEY_META_NAME), so the page gets it together with its own
 * code, from the same daemon it trusts for that code. Each socket URL carries
 * a fresh random challenge (CHALLENGE_PARAM); the daemon's first frame is its
 * signature over that challenge (`daemon-proof`). A stranger can learn the
 * public key and old signatures but cannot sign a new challenge, and the page
 * sends nothing on a socket until the signature checks out.
 */

/** Bytes of the page's random challenge (sent as lowercase hex). */
export const CHALLENGE_BYTES = 32
/** Signatures are over `DOMAIN ‖ 0x00 ‖ challenge`, so they mean nothing anywhere else. */
const DOMAIN = 'cairn/v1/desktop/socket-proof'
const HEX = /^[0-9a-f]*$/

/** A daemon's per-launch key pair: the public key for the page, the secret key for `proveChallenge`. */
export interface DaemonKeyPair {
  secretKey: Uint8Array
  /** Lowercase hex of the 32-byte public key, as the page's meta tag holds it. */
  publicKeyHex: string
}

export function newDaemonKeyPair (): DaemonKeyPair {
  const { secretKey, publicKey } = ed25519.keygen()
  return { secretKey, publicKeyHex: bytesToHex(publicKey) }
}

/** A fresh challenge for one socket, as lowercase hex. */
export function newChallenge (): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(CHALLENGE_BYTES)))
}

/** The challenge's bytes if `text` is exactly CHALLENGE_BYTES of lowercase hex, else undefined. */
export function parseChallenge (text: string | null | undefined): Uint8Array | undefined {
  return decodeHex(text, CHALLENGE_BYTES)
}

/** The daemon's answer to a socket's challenge: a 64-byte Ed25519 signature. */
export function proveChallenge (secretKey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return ed25519.sign(signedBytes(challenge), secretKey)
}

/** Whether `signature` is the holder of `publicKeyHex`'s answer to `challengeHex`; anything malformed is false. */
export function checkProof (publicKeyHex: string | undefined, challengeHex: string, signature: unknown): boolean {
  const publicKey = decodeHex(publicKeyHex, 32)
  const challenge = parseChallenge(challengeHex)
  if (publicKey === undefined || challenge === undefined || !(signature instanceof Uint8Array) || signature.length !== 64) return false
  try {
    return ed25519.verify(signature, signedBytes(challenge), publicKey)
  } catch {
    return false
  }
}

function signedBytes (challenge: Uint8Array): Uint8Array {
  const domain = new TextEncoder().encode(DOMAIN)
  const bytes = new Uint8Array(domain.length + 1 + challenge.length)
  bytes.set(domain)
  bytes.set(challenge, domain.length + 1)
  return bytes
}

function decodeHex (text: string | null | undefined, length: number): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length !== length * 2 || !HEX.test(text)) return undefined
  return hexToBytes(text)
}
