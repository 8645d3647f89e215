import { signal, type ReadonlySignal } from '@preact/signals'
import type { NetworkStatus, RelayPing, RpcClient } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage, messageForCode } from '../error-messages.ts'
import { liveRefresh, type IntervalTimers } from '../lib/live-refresh.ts'
import { without } from '../lib/records.ts'
import { isHttpUrl } from '../lib/relay-url.ts'

/** How often the Peers page re-reads the network while it is open. */
export const PEERS_REFRESH_MS = 5000

/** A relay's answer to GET /ping, or why there is none. */
export interface RelayCheck {
  busy: boolean
  result?: RelayPing
  error?: string
}

/** A relay status URL that did not answer (PEER_UNREACHABLE's usual words speak of a peer address). */
const RELAY_UNREACHABLE = "The relay didn't answer at that URL. Check the address and that the relay is running."

export interface PeersInit {
  client: RpcClient
  pollMs?: number
  timers?: IntervalTimers
  /** Milliseconds clock for "connected 5 min ago" (Date.now in the page). */
  now?: () => number
}

/**
 * The Peers page: this node's identity, its connections (ping, disconnect),
 * dialling an address, the kept relays and backup peers, and relay checks.
 */
export interface PeersModel {
  status: ReadonlySignal<NetworkStatus | undefined>
  /** The clock when the status was last read (relative times are computed against it). */
  now: ReadonlySignal<number>
  error: ReadonlySignal<string | undefined>
  /** Round trips measured by this page's Ping buttons, by peer id. */
  latencies: ReadonlySignal<Readonly<Record<string, number>>>
  /** A row's Ping or Disconnect in flight, by peer id. */
  rowBusy: ReadonlySignal<Readonly<Record<string, 'ping' | 'disconnect'>>>
  rowErrors: ReadonlySignal<Readonly<Record<string, string>>>
  connectAddress: ReadonlySignal<string>
  connectBusy: ReadonlySignal<boolean>
  connectError: ReadonlySignal<string | undefined>
  /** The peer id of the last successful Connect (shown as a note). */
  connectedTo: ReadonlySignal<string | undefined>
  /** What the user typed in "Relay status URL". */
  relayUrl: ReadonlySignal<string>
  /** The URL last checked from the typed field (its result is in relayChecks). */
  typedUrlChecked: ReadonlySignal<string | undefined>
  relayChecks: ReadonlySignal<Readonly<Record<string, RelayCheck>>>
  /** Refreshes now, on `network.changed` and on a timer; returns the stop (call it when the page closes). */
  open: () => () => void
  refresh: () => Promise<void>
  setConnectAddress: (value: string) => void
  connect: () => Promise<void>
  disconnect: (peerId: string) => Promise<void>
  ping: (peerId: string) => Promise<void>
  setRelayUrl: (value: string) => void
  /** GET /ping of a relay, by URL (a known relay's derived URL). */
  checkRelay: (url: string) => Promise<void>
  /** Checks the typed URL ("http://host:port" alone means its /ping). */
  checkTypedRelay: () => Promise<void>
  /** Forgets typed text and results (on lock). */
  reset: () => void
}

export function createPeersModel (init: PeersInit): PeersModel {
  const { client } = init
  const clock = init.now ?? Date.now
  const status = signal<NetworkStatus | undefined>(undefined)
  const now = signal(clock())
  const error = signal<string | undefined>(undefined)
  const latencies = signal<Readonly<Record<string, number>>>({})
  const rowBusy = signal<Readonly<Record<string, 'ping' | 'disconnect'>>>({})
  const rowErrors = signal<Readonly<Record<string, string>>>({})
  const connectAddress = signal('')
  const connectBusy = signal(false)
  const connectError = signal<string | undefined>(undefined)
  const connectedTo = signal<string | undefined>(undefined)
  const relayUrl = signal('')
  const typedUrlChecked = signal<string | undefined>(undefined)
  const relayChecks = signal<Readonly<Record<string, RelayCheck>>>({})

  const refresh = async (): Promise<void> => {
    try {
      status.value = await client.call('network.status', undefined)
      error.value = undefined
    } catch (err) {
      error.value = errorMessage(err)
    }
    now.value = clock()
  }

  const rowAction = async (peerId: string, kind: 'ping' | 'disconnect', run: () => Promise<void>): Promise<void> => {
    if (rowBusy.value[peerId] !== undefined) return
    rowBusy.value = { ...rowBusy.value, [peerId]: kind }
    rowErrors.value = without(rowErrors.value, peerId)
    try {
      await run()
    } catch (err) {
      rowErrors.value = { ...rowErrors.value, [peerId]: errorMessage(err) }
    } finally {
      rowBusy.value = without(rowBusy.value, peerId)
    }
  }

  const checkRelay = async (url: string): Promise<void> => {
    if (relayChecks.value[url]?.busy === true) return
    relayChecks.value = { ...relayChecks.value, [url]: { busy: true } }
    let check: RelayCheck
    try {
      check = { busy: false, result: await client.call('network.pingRelay', { url }) }
    } catch (err) {
      check = { busy: false, error: errorCodeOf(err) === 'PEER_UNREACHABLE' ? RELAY_UNREACHABLE : errorMessage(err) }
    }
    relayChecks.value = { ...relayChecks.value, [url]: check }
  }

  return {
    status,
    now,
    error,
    latencies,
    rowBusy,
    rowErrors,
    connectAddress,
    connectBusy,
    connectError,
    connectedTo,
    relayUrl,
    typedUrlChecked,
    relayChecks,
    open: () => liveRefresh(client, 'network.changed', refresh, init.pollMs ?? PEERS_REFRESH_MS, init.timers),
    refresh,
    setConnectAddress: (value) => {
      connectAddress.value = value
      connectError.value = undefined
    },
    connect: async () => {
      const address = connectAddress.value.trim()
      if (address === '' || connectBusy.value) return
      connectedTo.value = undefined
      // Every multiaddr starts with '/'; anything else is refused without asking the node.
      if (!address.startsWith('/')) {
        connectError.value = messageForCode('ADDRESS_INVALID')
        return
      }
      connectBusy.value = true
      connectError.value = undefined
      try {
        const connection = await client.call('network.connect', { address })
        connectedTo.value = connection.peerId
        connectAddress.value = ''
        await refresh()
      } catch (err) {
        connectError.value = errorMessage(err)
      } finally {
        connectBusy.value = false
      }
    },
    disconnect: async (peerId) => {
      await rowAction(peerId, 'disconnect', async () => {
        await client.call('network.disconnect', { peerId })
        latencies.value = without(latencies.value, peerId)
        await refresh()
      })
    },
    ping: async (peerId) => {
      await rowAction(peerId, 'ping', async () => {
        const { latencyMs } = await client.call('network.ping', { peerId })
        latencies.value = { ...latencies.value, [peerId]: latencyMs }
      })
    },
    setRelayUrl: (value) => { relayUrl.value = value },
    checkRelay,
    checkTypedRelay: async () => {
      const typed = relayUrl.value.trim()
      if (typed === '') return
      if (!isHttpUrl(typed)) {
        const key = typed
        typedUrlChecked.value = key
        relayChecks.value = { ...relayChecks.value, [key]: { busy: false, error: 'Enter an http:// or https:// address, for example http://127.0.0.1:4102/ping.' } }
        return
      }
      const url = new URL(typed)
      if (url.pathname === '/') url.pathname = '/ping'
      typedUrlChecked.value = url.href
      await checkRelay(url.href)
    },
    reset: () => {
      connectAddress.value = ''
      connectError.value = undefined
      connectedTo.value = undefined
      relayUrl.value = ''
      typedUrlChecked.value = undefined
      relayChecks.value = {}
      rowErrors.value = {}
      latencies.value = {}
    }
  }
}
