import { PeerUnreachableError } from '../errors.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** How long the Peers page's Ping waits for an answer. */
export const PING_ANSWER_MS = 10_000
/** Pause before asking again when another ping stream is still open. */
const BUSY_RETRY_MS = 150

/** libp2p's ping service, as createNode registers it. */
export interface PingService {
  ping: (peer: PeerId, options?: AbortOptions) => Promise<number>
}

/**
 * One ping a user asked for, answered within `timeoutMs` or refused in words.
 *
 * Two things in libp2p's ping would otherwise leave the button spinning or
 * show a library error: it waits for the echo forever unless given a signal
 * (a stream reset before the echo never settles it), and it allows one
 * outbound ping stream per connection, which libp2p's connection monitor
 * also uses every 10 s, so a press that lands while the monitor's ping is
 * open is refused with TooManyOutboundProtocolStreamsError. That refusal
 * is not the peer's fault: wait a moment and ask again, within the same
 * deadline.
 */
export async function pingPeer (service: PingService, peer: PeerId, timeoutMs = PING_ANSWER_MS): Promise<number> {
  const signal = AbortSignal.timeout(timeoutMs)
  for (;;) {
    try {
      return await service.ping(peer, { signal })
    } catch (err) {
      if (signal.aborted) {
        throw new PeerUnreachableError(`The peer did not answer the ping within ${timeoutMs / 1000} s`, { cause: err })
      }
      if ((err as Error).name !== 'TooManyOutboundProtocolStreamsError') {
        throw new PeerUnreachableError(`The ping failed: ${(err as Error).message}`, { cause: err })
      }
    }
    await new Promise(resolve => setTimeout(resolve, BUSY_RETRY_MS))
  }
}
