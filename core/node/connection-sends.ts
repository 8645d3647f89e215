import type { MultiaddrConnection } from '@libp2p/interface'
import type { webSockets } from '@libp2p/websockets'

/** A WebSocket transport factory, as `webSockets()` returns. */
export type WebSocketsFactory = ReturnType<typeof webSockets>

interface Upgrader {
  upgradeOutbound: (maConn: MultiaddrConnection, opts: unknown) => Promise<unknown>
  upgradeInbound: (maConn: MultiaddrConnection, opts: unknown) => Promise<unknown>
}
interface WrappableTransport {
  dial: (ma: unknown, options: { upgrader: Upgrader }) => Promise<unknown>
  createListener: (options: { upgrader: Upgrader }) => unknown
}

/** `upgrader`, every connection handed to it passed through `wrap` first. */
function wrappingUpgrader (upgrader: Upgrader, wrap: (maConn: MultiaddrConnection) => MultiaddrConnection): Upgrader {
  return new Proxy(upgrader, {
    get (target, prop, receiver) {
      if (prop === 'upgradeOutbound' || prop === 'upgradeInbound') {
        return async (maConn: MultiaddrConnection, opts: unknown) => await target[prop](wrap(maConn), opts)
      }
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/**
 * The transport made by `factory`, every connection it dials or accepts
 * passed through `wrap` (which changes how it sends) before the upgrader
 * puts Noise and yamux on it: the transport hands each new connection to the
 * upgrader, which is where it is wrapped.
 */
export function wrapConnections (factory: WebSocketsFactory, wrap: (maConn: MultiaddrConnection) => MultiaddrConnection): WebSocketsFactory {
  return (components) => {
    const made = factory(components)
    const transport = made as unknown as WrappableTransport
    const dial = transport.dial.bind(transport)
    const createListener = transport.createListener.bind(transport)
    transport.dial = async (ma, options) => await dial(ma, { ...options, upgrader: wrappingUpgrader(options.upgrader, wrap) })
    transport.createListener = (options) => createListener({ ...options, upgrader: wrappingUpgrader(options.upgrader, wrap) })
    return made
  }
}
