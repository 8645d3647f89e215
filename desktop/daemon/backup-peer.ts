import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import type { DesktopOnlyMethods } from '../../core/node/desktop-only-handlers.ts'
import type { LogBuffer } from '../../core/node/log-buffer.ts'
import type { DesktopBackupPeerInfo } from '../../core/rpc/api.ts'
import { startPeer, type RunningPeer } from '../../relay-server/peer/start-peer.ts'
import type { LogFields, Logger } from '../../relay-server/shared/log.ts'
import { CairnError, isCairnError, toErrorPayload } from '../../core/errors.ts'
import { readBackupPeerSettings, setAsideBackupPeerSettings, writeBackupPeerSettings, type BackupPeerSettings } from './backup-peer-settings.ts'

/** The backup peer's folder inside the desktop's data folder (its own stores, key and control socket). */
export const BACKUP_PEER_DIR = 'backup-peer'

/**
 * What one vault may keep on the desktop's own peer: the disk is the limit
 * (the codes are made only for this computer's user), not cairn-peer's 10 GiB.
 */
export const DESKTOP_PEER_QUOTA_BYTES = 2 ** 50

export interface DesktopBackupPeerInit {
  /** The desktop's data folder; the peer lives in `<dataDir>/backup-peer`. */
  dataDir: string
  /** Listen on every interface (the user accepts connections from the network), else on 127.0.0.1 only. */
  listenNetwork: boolean
  /** The desktop node's relays right now: the peer holds a reservation on the same ones. */
  relays: () => Promise<string[]>
  /** Its lines go to the desktop's Logs page under `backup-peer`. */
  logs: LogBuffer
}

/** The desktop's own backup peer: started when "Serve as a backup peer" is on. */
export interface DesktopBackupPeer {
  /** Starts the peer if the setting is on; never throws (a failure is logged, and `info` tries again; a damaged settings file starts nothing). */
  start: () => Promise<void>
  /** Its address and a fresh pairing code; null when it is off. CONFIG_INVALID while its settings file is damaged; INTERNAL when it is on but could not start. */
  info: () => Promise<DesktopBackupPeerInfo | null>
  /** Turns the setting on or off (kept across restarts; over a damaged file, kept aside as `….damaged`), starting or stopping the peer; returns `info`. */
  setEnabled: (enabled: boolean) => Promise<DesktopBackupPeerInfo | null>
  enabled: () => boolean
  /** The running peer, if any (tests look at its stores). */
  running: () => RunningPeer | undefined
  /** Stops the peer (the setting stays as it is). */
  stop: () => Promise<void>
}

/**
 * The backup peer `cairn-peer` runs, inside the desktop process
 * (relay-server/peer/start-peer.ts, unchanged): ciphertext only, its own
 * identity and stores under `<dataDir>/backup-peer`, WebSocket on a port
 * chosen once and kept, no WebRTC-direct (browsers elsewhere reach it
 * through the relay), and a reservation on the desktop node's relays.
 * `cairn-peer pair --data-dir <dataDir>/backup-peer` works on it too.
 */
export function createDesktopBackupPeer (init: DesktopBackupPeerInit): DesktopBackupPeer {
  const peerDir = join(init.dataDir, BACKUP_PEER_DIR)
  const log = peerLogger(init.logs, 'backup-peer')
  let settings: BackupPeerSettings | undefined
  let peer: RunningPeer | undefined
  let peerRelays: string[] = []
  // Why the last start failed: info() says so rather than reading as "turned off".
  let startError: unknown
  // One change at a time: a start, a stop and a restart never overlap.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => {})
    return next
  }
  const current = (): BackupPeerSettings => (settings ??= readBackupPeerSettings(peerDir))

  const launch = async (wsPort: number, relays: string[]): Promise<RunningPeer> => await startPeer({
    dataDir: peerDir,
    host: init.listenNetwork ? '0.0.0.0' : '127.0.0.1',
    wsPort,
    webrtcDirect: false,
    relay: relays,
    quotaPerVault: DESKTOP_PEER_QUOTA_BYTES
  }, { log })

  const up = async (): Promise<void> => {
    if (peer !== undefined || !current().enabled) return
    const relays = usableRelays(await init.relays())
    const saved = current().wsPort
    let started: RunningPeer
    try {
      started = await launch(saved, relays)
    } catch (err) {
      if (saved === 0) throw err
      // Its port was taken meanwhile: a new one beats no peer (the relay address still reaches it).
      log.warn(`could not listen on port ${saved} again; choosing another`, { err })
      started = await launch(0, relays)
    }
    peer = started
    peerRelays = relays
    const port = wsPortOf(started)
    if (port !== undefined && port !== saved) {
      settings = { ...current(), wsPort: port }
      writeBackupPeerSettings(peerDir, settings)
    }
  }
  const down = async (): Promise<void> => {
    const running = peer
    peer = undefined
    await running?.stop()
  }
  const startQuietly = async (): Promise<void> => {
    try {
      await serial(up)
      startError = undefined
    } catch (err) {
      startError = err
      // A damaged settings file says itself what it is and what to do.
      if (isCairnError(err, 'CONFIG_INVALID')) log.error(err.message)
      else log.error('could not start the backup peer', { err })
    }
  }

  const info = async (): Promise<DesktopBackupPeerInfo | null> => {
    if (!current().enabled) return null
    // The desktop's relays changed since it started: it takes a reservation on the new ones.
    const relays = usableRelays(await init.relays())
    if (peer !== undefined && !sameList(relays, peerRelays)) await serial(async () => { await down(); await up() }).catch((err: unknown) => { log.error('could not restart the backup peer', { err }) })
    await startQuietly()
    const running = peer
    if (running === undefined && startError !== undefined) {
      throw new CairnError('INTERNAL', `The backup peer is on but could not start: ${toErrorPayload(startError).message}. The Logs page has details`, { cause: startError })
    }
    if (running === undefined) return null
    return { peerId: running.peerId, address: dialAddress(running), pairingCode: await running.createPairingCode() }
  }

  return {
    start: startQuietly,
    info,
    setEnabled: async (enabled) => {
      await serial(async () => {
        let saved: BackupPeerSettings
        try {
          saved = current()
        } catch (err) {
          if (!isCairnError(err, 'CONFIG_INVALID')) throw err
          // The user chose again over a damaged file: a good one replaces it, its bytes kept aside.
          log.warn(`the damaged settings file was kept as ${setAsideBackupPeerSettings(peerDir)}; a new one is written`)
          saved = { enabled: !enabled, wsPort: 0 }
        }
        if (saved.enabled !== enabled) {
          settings = { ...saved, enabled }
          writeBackupPeerSettings(peerDir, settings)
          log.info(enabled ? 'serving as a backup peer' : 'no longer serving as a backup peer')
        }
        if (!enabled) await down()
      })
      return await info()
    },
    enabled: () => current().enabled,
    running: () => peer,
    stop: async () => { await serial(down) }
  }
}

/** The RPC methods only the desktop answers, over its backup peer (merged over the node's HandlerMap). */
export function createDesktopPeerHandlers (peer: DesktopBackupPeer): Pick<DesktopOnlyMethods, 'desktop.backupPeer.info' | 'desktop.backupPeer.setEnabled'> {
  return {
    'desktop.backupPeer.info': async () => await peer.info(),
    'desktop.backupPeer.setEnabled': async ({ enabled }) => await peer.setEnabled(enabled === true)
  }
}

/**
 * The address to pair with: through a relay when it has a reservation (so
 * browsers elsewhere reach it), else its WebSocket on this computer.
 */
export function dialAddress (peer: Pick<RunningPeer, 'helia' | 'multiaddrs'>): string {
  const live = peer.helia.libp2p.getMultiaddrs().map((ma) => ma.toString())
  const all = live.length > 0 ? live : peer.multiaddrs
  return all.find((ma) => ma.includes('/p2p-circuit/')) ??
    all.find((ma) => ma.startsWith('/ip4/127.0.0.1/') && ma.includes('/ws/')) ??
    all[0] ?? ''
}

/** The TCP port of its WebSocket listener. */
function wsPortOf (peer: RunningPeer): number | undefined {
  for (const ma of peer.multiaddrs) {
    const match = /\/tcp\/(\d+)\/ws\//.exec(ma)
    if (match?.[1] !== undefined && !ma.includes('/p2p-circuit')) return Number(match[1])
  }
  return undefined
}

/** Relays the peer can hold a reservation on: full multiaddrs naming the relay (/p2p/<id>). */
function usableRelays (relays: string[]): string[] {
  return relays.filter((relay) => {
    try {
      return multiaddr(relay).getComponents().some((c) => c.name === 'p2p')
    } catch {
      return false
    }
  })
}

function sameList (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

/** The peer's structured log as lines on the desktop's Logs page (fields as JSON after the message). */
function peerLogger (logs: LogBuffer, source: string): Logger {
  const sink = logs.for(source)
  const line = (msg: string, fields?: LogFields): string => fields === undefined ? msg : `${msg} ${JSON.stringify(fields, plainValue)}`
  return {
    debug: (msg, fields) => { sink.debug(line(msg, fields)) },
    info: (msg, fields) => { sink.info(line(msg, fields)) },
    warn: (msg, fields) => { sink.warn(line(msg, fields)) },
    error: (msg, fields) => { sink.error(line(msg, fields)) },
    child: (name) => peerLogger(logs, `${source}/${name}`)
  }
}

function plainValue (_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}
