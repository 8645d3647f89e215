/// <reference lib="webworker" />
import { dispatchCall } from '../../core/rpc/handlers.ts'
import { toErrorPayload } from '../../core/errors.ts'
import { serveFileStream, type FileStreamSource } from './file-stream-server.ts'
import { zipSource, type ZipSource } from '../../core/vault/vault-zip.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import type { EventName, NodeEvents } from '../../core/rpc/api.ts'
import type { CallMessage, FromNodeMessage, ToNodeMessage } from '../../core/rpc/messages.ts'
import type { NodePortClose } from '../../core/rpc/node-port-messages.ts'
import type { ServedNode } from '../../core/node/vault-node.ts'
import { contentTag } from '../../core/rpc/http-ranges.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * The node worker's side of every tab (DESIGN §2): the leader tab's worker
 * channel and each other tab's own MessagePort carry calls in and results
 * and events out; streamed downloads get a port of their own.
 */
export class NodeTabs {
  /** Other tabs' own ports (core/rpc/node-port-messages.ts): events go to each. */
  private readonly ports = new Set<MessagePort>()
  private ready: Promise<ServedNode> | undefined

  private readonly post = (message: FromNodeMessage): void => { self.postMessage(message) }

  /** Sends an event to every tab. */
  emit<E extends EventName> (event: E, data: NodeEvents[E]): void {
    const message = { kind: 'event', event, data } as FromNodeMessage
    this.post(message)
    for (const port of this.ports) port.postMessage(message)
  }

  /** Answers the tabs with this node once it has started (calls made before wait for it). */
  listen (ready: Promise<ServedNode>): void {
    this.ready = ready
    self.onmessage = (ev: MessageEvent<ToNodeMessage>) => {
      const message = ev.data
      if (message.kind === 'call') {
        void this.answerCall(message, this.post)
      } else if (message.kind === 'connect-port') {
        this.connectTab(message.port)
      } else if (message.kind === 'stream-file') {
        serveFileStream(message.port, async () => {
          const { vault } = await ready
          const { info, read } = vault.files().reader(message.fileId, message.versionId)
          return { name: baseName(info.path), size: info.size, type: info.type, etag: contentTag(info.cid), read }
        })
      } else if (message.kind === 'stream-zip') {
        serveFileStream(message.port, async () => wholeOnly(zipSource((await ready).vault.files(), message)))
      }
    }
  }

  /** Runs one call and answers on `reply`: the leader tab's worker channel or another tab's port. */
  private async answerCall (message: CallMessage, reply: (message: FromNodeMessage) => void): Promise<void> {
    let node
    try {
      node = await (this.ready as Promise<ServedNode>)
    } catch (err) {
      const cause = toErrorPayload(err)
      // A browser that keeps no site data is said as such; anything else is the node failing.
      const code = cause.code === 'STORAGE_UNAVAILABLE' ? cause.code : 'NODE_UNAVAILABLE'
      reply({ kind: 'result', id: message.id, ok: false, error: { code, message: `Cairn's node could not start: ${cause.message}` } })
      return
    }
    reply(await dispatchCall(node.handlers, message))
  }

  /** Another tab's own line to this node: its calls and their results go through it alone. */
  private connectTab (port: MessagePort): void {
    const reply = (message: FromNodeMessage): void => { port.postMessage(message) }
    port.onmessage = (ev: MessageEvent<CallMessage | NodePortClose>) => {
      if (ev.data.kind === 'call') void this.answerCall(ev.data, reply)
      else if (ev.data.kind === 'port-close') { this.ports.delete(port); port.close() }
    }
    this.ports.add(port)
    reply({ kind: 'port-ready' })
    // The tab may still show the previous leader's state: tell it where this node stands.
    void this.ready?.then(({ vault }) => { if (this.ports.has(port)) reply({ kind: 'event', event: 'vault.status', data: vault.status() }) }, () => {})
  }
}

/** A zip is made as it is read: it has no byte ranges (the service worker asks for none). */
function wholeOnly (zip: ZipSource): FileStreamSource {
  return {
    ...zip,
    read: (range) => {
      if (range !== undefined) throw new InvalidArgumentError('a zip is made as it is read, so it has no byte ranges')
      return zip.stream
    }
  }
}

function baseName (path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
