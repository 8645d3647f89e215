import { openSecret, sealSecret } from '../crypto/secretbox.ts'

/**
 * The label an upload in progress leaves in its journal record
 * (storage/upload-journal.ts): the file's path in the vault, sealed under
 * the vault's `uploads` subkey, so a cut-off upload can be named at the
 * next unlock without a path lying in the datastore in the clear.
 */
const AAD = new TextEncoder().encode('cairn upload label v1')

export function sealUploadLabel (key: Uint8Array, path: string): Uint8Array {
  return sealSecret(key, new TextEncoder().encode(path), AAD)
}

/** The path a label names, or undefined for one this key does not open (another vault's, damaged). */
export function openUploadLabel (key: Uint8Array, label: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(openSecret(key, label, AAD, 'FORMAT_INVALID'))
  } catch {
    return undefined
  }
}
