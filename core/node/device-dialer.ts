import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { backoffDelay, type BackoffPolicy } from '../backoff.ts'
import { systemClock, type Clock } from '../clock.ts'
import { toErrorPayload } from '../errors.ts'
import type { Log } from '../log.ts'
import type { Libp2p } from '@libp2p/interface'

export interface DeviceDialerComponents {
  libp2p: Libp2p
  log: Log
  /** Relay addresses (each ending in /p2p/<relay>). */
  relays: () => string[]
  /** The devices to reach (this one and revoked ones already left out). */
  devices: () => string[]
  now?: Clock
}

export interface DeviceDialerInit {
  /** How often unconnected devices are looked at; each waits for its own backoff. */
  intervalMs?: number
  backoff?: BackoffPolicy
}

interface Attempt { failures: number, nextAttempt: number, dialing: boolean }

const DIAL_TIMEOUT_MS = 10_000
/** A device that is away is tried again after 2 s, 4 s, … up to 5 minutes, with jitter. */
const DEVICE_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, jitter: 0.25 }

/**
 * Finds the vault's other devices while it is unlocked: each one that is
 * not connected is dialled through every relay as a circuit address
 * (`<relay>/p2p-circuit/p2p/<device>`: browsers have no listening address of
 * their own), with a growing backoff per device; a success resets it.
 * Failures are expected (devices are mostly offline) and logged at debug.
 * The connection it opens is what starts a sync (DeviceSync listens).
 */
export class DeviceDialer {
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly attempts = new Map<string, Attempt>()
  private readonly now: Clock
  private readonly backoff: BackoffPolicy
  private readonly intervalMs: number

  constructor (private readonly c: DeviceDialerComponents, init: DeviceDialerInit = {}) {
    this.now = c.now ?? systemClock
    this.backoff = init.backoff ?? DEVICE_BACKOFF
    this.intervalMs = init.intervalMs ?? 5_000
  }

  start (): void {
    this.timer ??= setInterval(() => { this.tick() }, this.intervalMs)
    this.tick()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    this.attempts.clear()
  }

  /** Dials every device that is due now. */
  tick (): void {
    const now = this.now()
    const connected = new Set(this.c.libp2p.getConnections().filter(c => c.status === 'open').map(c => c.remotePeer.toString()))
    for (const device of this.c.devices()) {
      if (connected.has(device)) {
        this.attempts.delete(device)
        continue
      }
      const attempt = this.attempts.get(device) ?? { failures: 0, nextAttempt: 0, dialing: false }
      this.attempts.set(device, attempt)
      if (attempt.dialing || now < attempt.nextAttempt) continue
      const addresses = this.circuitAddresses(device)
      if (addresses.length === 0) continue
      attempt.dialing = true
      this.c.libp2p.dial(addresses, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }).then(() => {
        attempt.failures = 0
        this.c.log.info(`reached device …${device.slice(-8)} through a relay`)
      }, (err: unknown) => {
        const delay = backoffDelay(++attempt.failures, this.backoff)
        attempt.nextAttempt = this.now() + delay
        this.c.log.debug(`device …${device.slice(-8)} not reachable (${toErrorPayload(err).message}); trying again in ${Math.round(delay / 1000)} s`)
      }).finally(() => { attempt.dialing = false })
    }
  }

  private circuitAddresses (device: string): Multiaddr[] {
    const out: Multiaddr[] = []
    for (const relay of this.c.relays()) {
      try {
        out.push(multiaddr(`${relay}/p2p-circuit/p2p/${device}`))
      } catch {
        // A malformed relay address is reported where relays are kept (peer-keeper).
      }
    }
    return out
  }
}
