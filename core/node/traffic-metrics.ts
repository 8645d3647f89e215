import type { Metrics, MultiaddrConnection } from '@libp2p/interface'

export interface Traffic {
  bytesIn: number
  bytesOut: number
}

/**
 * A libp2p Metrics that counts only what the Peers page shows: bytes in and
 * out per raw connection, keyed by remote address. Every other metric libp2p
 * registers is accepted and ignored (no metrics library, no timers).
 */
export class TrafficMetrics {
  private readonly traffic = new Map<string, Traffic>()

  /** Bytes seen on the connection(s) to this remote address so far. */
  get (remoteAddr: string): Traffic | undefined {
    return this.traffic.get(remoteAddr)
  }

  /** The Metrics object to hand to libp2p (`metrics: () => traffic.metrics()`). */
  metrics (): Metrics {
    const ignored = noop()
    const track = (maConn: MultiaddrConnection): void => {
      const key = maConn.remoteAddr.toString()
      const counts: Traffic = { bytesIn: 0, bytesOut: 0 }
      this.traffic.set(key, counts)
      maConn.addEventListener('message', (event) => { counts.bytesIn += event.data.byteLength })
      const send = maConn.send.bind(maConn)
      maConn.send = (data) => {
        counts.bytesOut += data.byteLength
        return send(data)
      }
      maConn.addEventListener('close', () => {
        // Keep the figures a little while for the page, then forget them.
        setTimeout(() => { if (this.traffic.get(key) === counts) this.traffic.delete(key) }, 60_000)
      })
    }
    return {
      trackMultiaddrConnection: track,
      trackProtocolStream: () => {},
      registerMetric: ignored,
      registerMetricGroup: ignored,
      registerCounter: ignored,
      registerCounterGroup: ignored,
      registerHistogram: ignored,
      registerHistogramGroup: ignored,
      registerSummary: ignored,
      registerSummaryGroup: ignored,
      traceFunction: (_name: string, fn: unknown) => fn,
      createTrace: () => undefined
    } as unknown as Metrics // the register* overloads are satisfied by one callable that ignores its arguments
  }
}

/** A function that accepts any call and returns an object whose every method does nothing. */
function noop (): (...args: unknown[]) => unknown {
  const metric: Record<string, unknown> = new Proxy({}, {
    get: () => () => metric
  })
  return () => metric
}
