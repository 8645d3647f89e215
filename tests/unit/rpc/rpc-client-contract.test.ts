import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { CairnError, FileNotFoundError, VaultLockedError } from '../../../core/errors.ts'
import { dispatchCall, type HandlerMap } from '../../../core/rpc/handlers.ts'
import type { CallMessage, EventMessage, FromNodeMessage } from '../../../core/rpc/messages.ts'
import { messagePortCarrier, type RpcCarrier } from '../../../core/rpc/rpc-carrier.ts'
import { createRpcClient, type RpcClientCarrier } from '../../../core/rpc/rpc-client.ts'
import { launchCookie, pageCarrier, startTestServer } from '../desktop/app-server-support.ts'

/** The node's end of a carrier. */
type NodeCarrier = RpcCarrier<FromNodeMessage, CallMessage>

interface CarrierPair { client: RpcClientCarrier, node: NodeCarrier, close: () => void }

/** Both ends of a MessageChannel: what a tab and the node worker use today. */
function portPair (): CarrierPair {
  const { port1, port2 } = new MessageChannel()
  return {
    client: messagePortCarrier(port1),
    node: messagePortCarrier(port2),
    close: () => { port1.close(); port2.close() }
  }
}

/**
 * An in-memory stand-in for a WebSocket: text frames (JSON, so no structured
 * clone), delivered later and in order, as a socket to a desktop daemon would.
 */
function fakeSocketPair (): CarrierPair {
  const end = <Out, In>(deliverTo: Set<(frame: string) => void>, mine: Set<(frame: string) => void>): RpcCarrier<Out, In> => ({
    post: (message) => {
      const frame = JSON.stringify(message)
      setImmediate(() => { for (const receive of deliverTo) receive(frame) })
    },
    listen: (listener) => {
      const receive = (frame: string): void => { listener(JSON.parse(frame) as In) }
      mine.add(receive)
      return () => { mine.delete(receive) }
    }
  })
  const toClient = new Set<(frame: string) => void>()
  const toNode = new Set<(frame: string) => void>()
  return { client: end(toNode, toClient), node: end(toClient, toNode), close: () => { toClient.clear(); toNode.clear() } }
}

/** A node that answers calls with `handlers` and can send events. */
function serve (carrier: NodeCarrier, handlers: Partial<HandlerMap>): { emit: (message: EventMessage) => void } {
  // Only the methods a test needs; dispatchCall answers any other with RPC_UNKNOWN_METHOD.
  const all = handlers as HandlerMap
  carrier.listen((message) => { void dispatchCall(all, message).then(carrier.post) })
  return { emit: carrier.post }
}

/** A client's carrier to a node that answers with `handlers`, and the node's way to send events. */
interface Line { client: RpcClientCarrier, emit: (message: EventMessage) => void, close: () => Promise<void> | void }
type Harness = (handlers: Partial<HandlerMap>) => Promise<Line>

function overPair (makePair: () => CarrierPair): Harness {
  return async (handlers) => {
    const pair = makePair()
    return { client: pair.client, emit: serve(pair.node, handlers).emit, close: pair.close }
  }
}

/** The page's WebSocket carrier (web/connection/socket-carrier.ts) to a real desktop app server on 127.0.0.1:0. */
const overDesktopSocket: Harness = async (handlers) => {
  const test = await startTestServer(handlers)
  const client = pageCarrier(test.server, await launchCookie(test.server), { wait: async () => await new Promise<void>(() => {}) })
  // Events go to connected pages only: one answered call says this one is connected.
  await createRpcClient(client, 'probe').call('vault.activity', undefined).catch(() => {})
  return { client, emit: test.emit, close: test.close }
}

function rpcClientContract (name: string, harness: Harness): void {
  describe(`RPC client over ${name}`, () => {
    const lines: Line[] = []
    const open = async (handlers: Partial<HandlerMap>): Promise<{ client: ReturnType<typeof createRpcClient>, node: { emit: Line['emit'] } }> => {
      const line = await harness(handlers)
      lines.push(line)
      return { client: createRpcClient(line.client, 'tab'), node: { emit: line.emit } }
    }
    after(async () => { for (const line of lines) await line.close() })

    it('a call resolves with what the node answered', async () => {
      const { client } = await open({ 'network.ping': async ({ peerId }) => ({ latencyMs: peerId.length }) })
      assert.deepEqual(await client.call('network.ping', { peerId: 'abcd' }), { latencyMs: 4 })
    })

    it('a failed call rejects with the CairnError and code the node threw', async () => {
      const { client } = await open({ 'vault.lock': async () => { throw new VaultLockedError() } })
      await assert.rejects(client.call('vault.lock', undefined), (err: unknown) => err instanceof CairnError && err.code === 'VAULT_LOCKED' && err.message === 'The vault is locked')
    })

    it('a failed call about a file keeps its code, message, class and fileId', async () => {
      const { client } = await open({ 'files.delete': async ({ fileId }) => { throw new FileNotFoundError('That file is not in the vault', { fileId }) } })
      await assert.rejects(client.call('files.delete', { fileId: 'f-123' }), (err: unknown) =>
        err instanceof FileNotFoundError && err.code === 'FILE_NOT_FOUND' && err.message === 'That file is not in the vault' && err.fileId === 'f-123')
    })

    it('calls in flight together each get their own answer, whatever order they finish in', async () => {
      let releaseSlow = (): void => {}
      const slowDone = new Promise<void>((resolve) => { releaseSlow = resolve })
      const { client } = await open({
        'network.ping': async ({ peerId }) => {
          if (peerId === 'slow') await slowDone
          return { latencyMs: peerId === 'slow' ? 1 : 2 }
        }
      })
      const slow = client.call('network.ping', { peerId: 'slow' })
      assert.deepEqual(await client.call('network.ping', { peerId: 'fast' }), { latencyMs: 2 })
      releaseSlow()
      assert.deepEqual(await slow, { latencyMs: 1 })
    })

    it('a method the node does not know fails as RPC_UNKNOWN_METHOD', async () => {
      const { client } = await open({})
      await assert.rejects(client.call('network.status', undefined), (err: unknown) => err instanceof CairnError && err.code === 'RPC_UNKNOWN_METHOD')
    })

    it('events reach their listeners until they stop listening', async () => {
      const { client, node } = await open({ 'network.ping': async () => ({ latencyMs: 0 }) })
      const seen: string[] = []
      const stop = client.on('log', (line) => { seen.push(line.message) })
      client.on('files.changed', () => { seen.push('files.changed') })
      node.emit({ kind: 'event', event: 'log', data: { seq: 1, time: 1, level: 'info', source: 'test', message: 'first' } })
      node.emit({ kind: 'event', event: 'files.changed', data: undefined })
      // A call's answer comes after the events sent before it: the carriers keep order.
      await client.call('network.ping', { peerId: 'p' })
      stop()
      node.emit({ kind: 'event', event: 'log', data: { seq: 2, time: 2, level: 'info', source: 'test', message: 'second' } })
      await client.call('network.ping', { peerId: 'p' })
      assert.deepEqual(seen, ['first', 'files.changed'])
    })
  })
}

rpcClientContract('a MessageChannel port', overPair(portPair))
rpcClientContract('an in-memory socket', overPair(fakeSocketPair))
rpcClientContract('a WebSocket to the desktop app server', overDesktopSocket)
