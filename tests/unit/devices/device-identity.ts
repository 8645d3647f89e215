import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { DeviceSign } from '../../../core/crypto/box-key-signature.ts'

/** A device's libp2p identity without a node (not a test file itself): its PeerId and how it signs, as core/node/device-key.ts does. */
export interface DeviceIdentity { id: string, sign: DeviceSign }

export async function deviceIdentity (): Promise<DeviceIdentity> {
  const key = await generateKeyPair('Ed25519')
  return { id: peerIdFromPrivateKey(key).toString(), sign: async (message) => await key.sign(message) }
}
