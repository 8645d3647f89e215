import { fromBase64Url, toBase64Url } from '../../crypto/base64.ts'
import { CairnError, isErrorCode } from '../../errors.ts'
import { refusal, streamChannel } from './pair-messages.ts'
import { pairingError } from './pairing-errors.ts'
import * as C from './constants.ts'
import type { OfferDirectory, OfferSource } from './offer-directory.ts'
import type { PairingConnection, PairingDialer, PairingLog, PairingRegistrar } from './ports.ts'
import type { Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * `/cairn/rendezvous/1`: an `OfferDirectory` a relay mounts for short codes.
 * One request per stream, length-prefixed JSON:
 *
 *     {v: 1, op: "publish", id: "48210", sealed: b64u, exp}  →  {ok: true, published: boolean}
 *     {v: 1, op: "lookup", id: "48210"}                      →  {ok: true, sealed: b64u | null}
 *
 * The relay stores only sealed offers (it cannot read them without the code);
 * the directory behind it bounds their number, size, lifetime and reads, and
 * is told who asks (PeerId and IP key) so it can bound each asker's share:
 * anyone may publish here, and one stranger must not take every slot.
 * A refusal is `{ok: false, error: {code, message}}` (PAIRING_CODE_LIMIT,
 * PAIRING_LOOKUP_LIMIT, FORMAT_INVALID), thrown on the device as that error.
 * Both devices must use the same rendezvous: the code does not name it.
 */
const MAX_RENDEZVOUS_MESSAGE_BYTES = 16 * 1024

export interface RendezvousServiceComponents {
  registrar: PairingRegistrar
  directory: OfferDirectory
  log: PairingLog
  /**
   * The key per-IP limits count a connection's address under (the relay's
   * `ipKeyOf`: IPv6 by its /64, undefined for a circuit, whose IP is the
   * hop's, not the peer's). Without it every asker's IP counts as unknown.
   */
  ipKeyOf?: (address: Multiaddr) => string | undefined
}

export class RendezvousService {
  private started = false

  constructor (private readonly components: RendezvousServiceComponents, private readonly timeoutMs = C.DEFAULT_MESSAGE_TIMEOUT_MS) {}

  async start (): Promise<void> {
    if (this.started) return
    await this.components.registrar.handle(C.RENDEZVOUS_PROTOCOL, (stream, connection) => this.handle(stream, this.sourceOf(connection)), { runOnLimitedConnection: true })
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.components.registrar.unhandle(C.RENDEZVOUS_PROTOCOL)
  }

  private sourceOf (connection: PairingConnection): OfferSource {
    const ipKey = this.components.ipKeyOf?.(connection.remoteAddr)
    return { peer: connection.remotePeer.toString(), ...(ipKey !== undefined ? { ipKey } : {}) }
  }

  private async handle (stream: Stream, from: OfferSource): Promise<void> {
    const channel = streamChannel(stream, MAX_RENDEZVOUS_MESSAGE_BYTES)
    try {
      let response: unknown
      try {
        response = await this.answer(await channel.read(AbortSignal.timeout(this.timeoutMs)), from)
      } catch (err) {
        this.components.log.warn(`rendezvous: refused ${from.peer} (${from.ipKey ?? 'IP unknown'}): ${(err as CairnError).code ?? 'INTERNAL'}`)
        response = refusal(err)
      }
      await channel.write(response, AbortSignal.timeout(this.timeoutMs))
      await stream.close({ signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  private async answer (value: unknown, from: OfferSource): Promise<unknown> {
    const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
    if (o.v !== 1 || typeof o.id !== 'string' || !/^\d{5}$/.test(o.id)) throw new CairnError('FORMAT_INVALID', 'not a rendezvous request')
    if (o.op === 'lookup') {
      const sealed = await this.components.directory.lookup(o.id, from)
      return { ok: true, sealed: sealed === undefined ? null : toBase64Url(sealed) }
    }
    const sealed = typeof o.sealed === 'string' ? fromBase64Url(o.sealed) : undefined
    if (o.op !== 'publish' || sealed === undefined || typeof o.exp !== 'number' || !Number.isSafeInteger(o.exp)) throw new CairnError('FORMAT_INVALID', 'not a rendezvous request')
    return { ok: true, published: await this.components.directory.publish(o.id, sealed, o.exp, from) }
  }
}

/** The `OfferDirectory` at a rendezvous (a relay) reachable at `addresses`, for devices. */
export function rendezvousDirectory (dialer: PairingDialer, addresses: string[], timeoutMs = C.DEFAULT_MESSAGE_TIMEOUT_MS): OfferDirectory {
  async function ask (request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const signal = AbortSignal.timeout(timeoutMs)
    let stream: Stream
    try {
      ({ stream } = await dialer.open(addresses, C.RENDEZVOUS_PROTOCOL, { signal }))
    } catch (err) {
      throw new CairnError('PEER_UNREACHABLE', 'could not reach the rendezvous for short codes', { cause: err })
    }
    try {
      const channel = streamChannel(stream, MAX_RENDEZVOUS_MESSAGE_BYTES)
      await channel.write({ v: 1, ...request }, signal)
      const response = await channel.read(signal) as Record<string, unknown> | null
      await stream.close({ signal }).catch(() => {})
      if (response?.ok !== true) {
        const error = response?.error as { code?: unknown, message?: unknown } | undefined
        throw pairingError(isErrorCode(error?.code) ? error.code : 'INTERNAL', typeof error?.message === 'string' ? error.message : 'the rendezvous refused')
      }
      return response
    } catch (err) {
      stream.abort(err as Error)
      if (err instanceof CairnError) throw err
      throw new CairnError('PEER_UNREACHABLE', 'the rendezvous did not answer', { cause: err })
    }
  }
  return {
    publish: async (lookupId, sealed, expiresAt) => (await ask({ op: 'publish', id: lookupId, sealed: toBase64Url(sealed), exp: expiresAt })).published === true,
    lookup: async (lookupId) => {
      const sealed = (await ask({ op: 'lookup', id: lookupId })).sealed
      if (sealed === null) return undefined
      const bytes = typeof sealed === 'string' ? fromBase64Url(sealed) : undefined
      if (bytes === undefined) throw new CairnError('FORMAT_INVALID', 'the rendezvous answered nonsense')
      return bytes
    }
  }
}
