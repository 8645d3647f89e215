import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { ConfigInvalidError, StorageFailedError } from '../../core/errors.ts'
import type { PrivateKey } from '@libp2p/interface'

/** What `loadOrCreatePrivateKey` did, for the start-up log. */
export interface KeyFileResult {
  privateKey: PrivateKey
  created: boolean
  /** Set when an existing file is readable by other users (mode & 0o077). */
  looseMode?: number
}

/**
 * Loads a libp2p private key from `path` (libp2p's protobuf encoding, the
 * format kubo and js-libp2p keychains use), or makes a new Ed25519 key and
 * writes it there with mode 0600 (its folder 0700). A stable key keeps the
 * PeerId, and so every address that embeds it, the same across restarts.
 *
 * Throws CairnError CONFIG_INVALID when the file holds no key, and
 * STORAGE_FAILED when it cannot be written.
 */
export async function loadOrCreatePrivateKey (path: string): Promise<KeyFileResult> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StorageFailedError(`Cannot read the key file ${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  if (bytes !== undefined) {
    let privateKey: PrivateKey
    try {
      privateKey = privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new ConfigInvalidError(`The key file ${path} does not hold a libp2p private key (move it away to make a new key, which changes the PeerId)`, { cause: err })
    }
    const mode = (await stat(path)).mode & 0o777
    return { privateKey, created: false, ...((mode & 0o077) !== 0 ? { looseMode: mode } : {}) }
  }

  const privateKey = await generateKeyPair('Ed25519')
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    // 'wx': never overwrite a key another process wrote in the meantime.
    const handle = await open(path, 'wx', 0o600)
    try {
      await handle.writeFile(privateKeyToProtobuf(privateKey))
      await handle.sync()
    } finally {
      await handle.close()
    }
    // The umask may have narrowed 0600 further, never widened it; make it exact.
    await chmod(path, 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return await loadOrCreatePrivateKey(path)
    throw new StorageFailedError(`Cannot write the key file ${path}: ${(err as Error).message}`, { cause: err })
  }
  return { privateKey, created: true }
}
