import type { ErrorPayload } from '../../core/rpc/errors.ts'
import type { CallMessage, FromNodeMessage } from '../../core/rpc/messages.ts'
import { REPEATABLE_METHODS } from '../../core/rpc/repeatable-methods.ts'
import { CHANNEL_NAME, LEADER_LOCK, type NodePortClose } from '../../core/rpc/node-port-messages.ts'
import type { RpcClientCarrier } from '../../core/rpc/rpc-client.ts'
import type { TabMessage } from '../../core/rpc/tab-channel-messages.ts'
import { keepServiceWorkerAwake } from './keep-service-worker-awake.ts'
import { serveDownloads } from './download-bridge.ts'
import { acceptNodePorts, offerNodePort } from './node-port.ts'
import { startNodeWorker, type NodeWorker } from './node-worker-host.ts'

interface InFlight {
  /** Leader whose node was sent the call; if it goes away the call cannot complete. */
  leaderId: string | undefined
  message: CallMessage
}

const UNREACHABLE: ErrorPayload = {
  code: 'NODE_UNAVAILABLE',
  message: 'Cairn runs in another tab and this browser gave no safe way to reach it; please use that tab'
}
const LEADER_CLOSED: ErrorPayload = {
  code: 'NODE_UNAVAILABLE',
  message: 'The tab that ran Cairn closed while this was in progress; please try again'
}

/** How long a new port may take to reach the node worker before the tab makes another. */
const PORT_READY_TIMEOUT_MS = 10_000

/**
 * This tab's carrier to the node (DESIGN §2: one node per origin), for the
 * RPC client (core/rpc/rpc-client.ts).
 *
 * Every tab competes for a Web Lock; the holder (the leader) starts the node in
 * a dedicated worker. Every other tab talks to that worker over its own
 * MessagePort (core/rpc/node-port-messages.ts): calls carry passphrases and
 * recovery phrases, so they never go on the BroadcastChannel, which only says
 * who leads. When the leader closes, its lock is released, the next tab takes
 * it and starts the node again; calls that were in flight at the old leader
 * are sent again when safe to repeat (core/rpc/repeatable-methods.ts) and
 * otherwise answered with NODE_UNAVAILABLE rather than running twice.
 */
export function leaderCarrier (tabId: string): RpcClientCarrier {
  const channel = new BroadcastChannel(CHANNEL_NAME)
  const inFlight = new Map<string, InFlight>()
  const listeners = new Set<(message: FromNodeMessage) => void>()
  /** The node, when this tab leads. */
  let worker: NodeWorker | undefined
  /** This tab's own line to the leader's node, and whether the node has it yet. */
  let port: MessagePort | undefined
  let portReady = false
  let portTimer: ReturnType<typeof setTimeout> | undefined
  /** No service worker could carry a port: calls fail at once until a leader says it is ready again. */
  let noRoute = false
  let leaderId: string | undefined

  const deliver = (message: FromNodeMessage): void => {
    for (const listener of listeners) listener(message)
  }

  /** Answers a call this carrier cannot bring to a node. */
  const fail = (id: string, error: ErrorPayload): void => {
    inFlight.delete(id)
    deliver({ kind: 'result', id, ok: false, error })
  }

  const send = (entry: InFlight): void => {
    if (worker !== undefined) {
      entry.leaderId = leaderId
      worker.post(entry.message)
    } else if (port !== undefined && portReady) {
      entry.leaderId = leaderId
      port.postMessage(entry.message)
    } else if (noRoute) {
      fail(entry.message.id, UNREACHABLE)
    }
    // else: no line to the node yet; `port-ready` or `leader-ready` sends it.
  }

  const sendUnsent = (): void => {
    for (const entry of inFlight.values()) if (entry.leaderId === undefined) send(entry)
  }

  const fromNode = (message: FromNodeMessage): void => {
    if (message.kind === 'result') inFlight.delete(message.id)
    deliver(message)
  }

  const closePort = (): void => {
    clearTimeout(portTimer)
    if (port === undefined) return
    port.postMessage({ kind: 'port-close' } satisfies NodePortClose)
    port.close()
    port = undefined
    portReady = false
  }

  const connectPort = (): void => {
    closePort()
    noRoute = false
    const { port1, port2 } = new MessageChannel()
    port = port1
    port1.onmessage = (ev: MessageEvent<FromNodeMessage>) => {
      if (port !== port1) return
      if (ev.data.kind === 'port-ready') {
        clearTimeout(portTimer)
        portReady = true
        sendUnsent()
        return
      }
      fromNode(ev.data)
    }
    void offerNodePort(port2).then((offered) => {
      if (port !== port1) return
      if (offered) {
        // Nothing is sent on a port until the node confirms it has it, so a port
        // that got lost (a service worker restarted mid-way) can be replaced
        // without any call running twice.
        portTimer = setTimeout(() => { if (port === port1 && !portReady && worker === undefined) connectPort() }, PORT_READY_TIMEOUT_MS)
        return
      }
      closePort()
      noRoute = true
      for (const id of [...inFlight.keys()]) fail(id, UNREACHABLE)
    }, () => {})
  }

  const onLeaderReady = (newLeader: string): void => {
    if (newLeader === leaderId && (worker !== undefined || port !== undefined)) return
    leaderId = newLeader
    if (worker === undefined) connectPort()
    for (const [id, entry] of inFlight) {
      if (entry.leaderId !== undefined && entry.leaderId !== newLeader) {
        // The tab that was running this call is gone, and its worker with it. A call
        // safe to run twice goes to the new node; any other may have run, so it fails.
        if (REPEATABLE_METHODS.has(entry.message.method)) {
          entry.leaderId = undefined
          continue
        }
        fail(id, LEADER_CLOSED)
      }
    }
    sendUnsent()
  }

  channel.onmessage = (ev: MessageEvent<TabMessage>) => {
    const message = ev.data
    switch (message.kind) {
      case 'leader-ready':
        if (worker === undefined) onLeaderReady(message.leaderId)
        break
      case 'who-leads':
        if (worker !== undefined) channel.postMessage({ kind: 'leader-ready', leaderId: tabId } satisfies TabMessage)
        break
    }
  }

  void navigator.locks.request(LEADER_LOCK, async () => {
    closePort()
    worker = startNodeWorker(fromNode)
    acceptNodePorts(channel, worker)
    serveDownloads(worker)
    keepServiceWorkerAwake()
    onLeaderReady(tabId)
    channel.postMessage({ kind: 'leader-ready', leaderId: tabId } satisfies TabMessage)
    // Hold the lock for the life of this tab: releasing it hands the node over.
    await new Promise<never>(() => {})
  })
  // A tab that opens while another leads asks who that is.
  channel.postMessage({ kind: 'who-leads' } satisfies TabMessage)
  // The node stops sending to a tab that is gone for good.
  addEventListener('pagehide', (ev: PageTransitionEvent) => { if (!ev.persisted) closePort() })

  return {
    post: (message) => {
      const entry: InFlight = { leaderId: undefined, message }
      inFlight.set(message.id, entry)
      send(entry)
    },
    listen: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
