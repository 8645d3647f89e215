import { privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { Key, type Datastore } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import type { PrivateKey, Transport } from '@libp2p/interface'

/** Where the WebRTC-direct certificate's key lives in the peer's datastore. */
const CERT_KEY_PREFIX = '/cairn/peer/webrtc-cert-key/'

/**
 * The two keychain calls the WebRTC-direct transport makes, on the peer's
 * datastore. With a keychain the transport keeps its TLS key and
 * certificate across restarts, so the peer's `/webrtc-direct/certhash/…`
 * address (which a user may have pasted into the app) stays the same;
 * without one it makes a new certificate, and a new address, at every
 * start. libp2p's own keychain service is not among our dependencies, and
 * this is all the transport asks of it.
 */
export function certificateKeychain (datastore: Datastore): { exportKey: (name: string) => Promise<PrivateKey>, importKey: (name: string, key: PrivateKey) => Promise<void> } {
  const keyOf = (name: string): Key => new Key(CERT_KEY_PREFIX + encodeURIComponent(name))
  return {
    exportKey: async (name) => {
      const key = keyOf(name)
      if (!(await datastore.has(key))) throw new NotFoundError(`no key ${name}`)
      return privateKeyFromProtobuf(await datastore.get(key))
    },
    importKey: async (name, privateKey) => {
      await datastore.put(keyOf(name), privateKeyToProtobuf(privateKey))
    }
  }
}

/**
 * Wraps a transport factory so the transport sees a `keychain` component
 * (see {@link certificateKeychain}) next to libp2p's own components.
 */
export function withCertificateKeychain<C extends { datastore: Datastore }> (factory: (components: C) => Transport): (components: C) => Transport {
  return (components) => {
    const keychain = certificateKeychain(components.datastore)
    // libp2p's components object is a Proxy that throws for unknown names; answer `keychain` first.
    const extended = new Proxy(components, {
      get: (target, property, receiver) => property === 'keychain' ? keychain : Reflect.get(target, property, receiver)
    })
    return factory(extended)
  }
}
