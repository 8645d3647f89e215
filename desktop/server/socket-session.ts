import type { WebSocket } from 'ws'
import { CairnError, toErrorPayload } from '../../core/errors.ts'
import type { Log } from '../../core/log.ts'
import type { ServedNode } from '../../core/node/vault-node.ts'
import { dispatchCall } from '../../core/rpc/handlers.ts'
import type { CallMessage, FromNodeMessage } from '../../core/rpc/messages.ts'
import { decodePageFrame, encodeFrame } from '../../core/rpc/socket-codec.ts'
import type { DaemonToPageMessage, SocketCallMessage } from '../../core/rpc/socket-messages.ts'
import { RemoteBlobs } from './remote-file.ts'


/**
 * One page's socket to the node: it first sends the daemon's proof (its
 * signature over the socket's challenge, core/rpc/socket-proof.ts); its calls are answered with dispatchCall
 * once the node has started (calls made before wait for it), its files are
 * pulled from it as the vault reads them, and it hears every node event
 * (`send`, called by the app server).
 */
export class SocketSession {
  private readonly blobs: RemoteBlobs

  constructor (private readonly socket: WebSocket, private readonly node: Promise<ServedNode>, private readonly log: Log, proof: Uint8Array) {
    this.send({ kind: 'daemon-proof', signature: proof })
    this.blobs = new RemoteBlobs({ send: (message) => { this.send(message) } })
    socket.binaryType = 'nodebuffer'
    socket.on('message', (data, isBinary) => { this.receive(data, isBinary) })
    socket.on('close', () => { this.blobs.close(new CairnError('NODE_UNAVAILABLE', 'the page closed its line to Cairn during the upload')) })
    socket.on('error', (err) => { this.log.warn(`a page's socket failed: ${err.message}`) })
    // A page that opens while the node runs hears where the vault stands (as node-tabs.ts does for a new port).
    void node.then(({ vault }) => { this.send({ kind: 'event', event: 'vault.status', data: vault.status() }) }, () => {})
  }

  send (message: DaemonToPageMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return
    this.socket.send(encodeFrame(message))
  }

  private receive (data: unknown, isBinary: boolean): void {
    let message
    try {
      if (!isBinary || !(data instanceof Uint8Array)) throw new CairnError('INVALID_ARGUMENT', 'a socket frame is not binary')
      message = decodePageFrame(data)
    } catch (err) {
      this.refuse(err)
      return
    }
    if (message.kind === 'call') void this.answer(message)
    else if (message.kind === 'blob-chunk' || message.kind === 'blob-end' || message.kind === 'blob-error') {
      if (!this.blobs.reply(message)) this.refuse(new CairnError('INVALID_ARGUMENT', 'the page sent file bytes nobody pulled'))
    } else this.refuse(new CairnError('INVALID_ARGUMENT', 'a socket frame of an unknown kind'))
  }

  /** A page that breaks the protocol loses its line (1008: policy violation). */
  private refuse (err: unknown): void {
    this.log.warn(`closed a page's socket: ${toErrorPayload(err).message}`)
    this.socket.close(1008, 'protocol')
  }

  private async answer (message: SocketCallMessage): Promise<void> {
    let node
    try {
      node = await this.node
    } catch (err) {
      this.send({ kind: 'result', id: message.id, ok: false, error: { code: 'NODE_UNAVAILABLE', message: `Cairn's node could not start: ${toErrorPayload(err).message}` } })
      return
    }
    let call: CallMessage
    try {
      call = this.toCall(message)
    } catch (err) {
      this.send({ kind: 'result', id: message.id, ok: false, error: toErrorPayload(err) })
      return
    }
    const result: FromNodeMessage = await dispatchCall(node.handlers, call)
    this.send(result)
  }

  /** The call the handlers take: `files.add`'s descriptor becomes a File-like object pulled from the page. */
  private toCall (message: SocketCallMessage): CallMessage {
    if (message.method !== 'files.add') return message
    // The vault reads only name, size, type, lastModified and stream() of the File (core/node/node-handlers.ts, core/vault/vault-files.ts).
    const file = this.blobs.file(message.args.file) as unknown as File
    return { ...message, args: { ...message.args, file } }
  }
}
