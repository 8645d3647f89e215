import type { DeviceSign } from '../crypto/box-key-signature.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

/** Signs with this node's libp2p key, the key its PeerId names (a libp2p service, so the key never leaves libp2p's components). */
export interface DeviceKey {
  sign: DeviceSign
}

/** The `deviceKey` service factory (create-node.ts). */
export function deviceKey (): (components: { privateKey: PrivateKey }) => DeviceKey {
  return (components) => ({
    sign: async (message) => await components.privateKey.sign(message)
  })
}

/** How `libp2p` signs as this device; throws when the node was made without the `deviceKey` service. */
export function deviceSigner (libp2p: Libp2p): DeviceSign {
  const service = (libp2p.services as { deviceKey?: DeviceKey }).deviceKey
  if (service === undefined) throw new Error('the node has no deviceKey service (create-node.ts)')
  return service.sign
}
