import { createSocket } from 'node:dgram'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { anyFreeTcpPort, tcpPortFree } from '../relay-server/shared/tcp-ports.ts'

/**
 * The ports `npm start` runs the local relay and backup peer on. The first
 * start takes the usual ones (4101–4103) or, when something holds them, the
 * next free ones, as the app's port does; `.cairn/ports.json` keeps what was
 * chosen, so the next start reuses them and a paired vault finds its peer at
 * the same address.
 */

/** Ports of the local services. The relay's HTTP endpoints listen on `relay + 1` (web/lib/relay-url.ts assumes it). */
export interface LocalPorts {
  /** The relay's WebSocket (TCP) and WebRTC-direct (UDP) port. */
  relay: number
  /** The backup peer's WebSocket (TCP) and WebRTC-direct (UDP) port. */
  peer: number
}

export const DEFAULT_LOCAL_PORTS: LocalPorts = { relay: 4101, peer: 4103 }

/** What `.cairn/ports.json` keeps: the services' ports and the app's (browser storage is kept per origin, port included). */
export interface SavedPorts extends LocalPorts {
  app: number
}

/** How far above its preferred port a service looks for a free one before asking the system for any. */
const SEARCH_SPAN = 100

export type Protocol = 'tcp' | 'udp'

/** Whether `port` can be bound now for `protocol`. */
export type PortProbe = (port: number, protocol: Protocol) => Promise<boolean>

/** A probe that binds the port on `host` for a moment. */
export function probeOn (host: string): PortProbe {
  return async (port, protocol) => await new Promise<boolean>((resolve) => {
    if (protocol === 'tcp') {
      void tcpPortFree(host, port).then(resolve)
    } else {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
      socket.once('error', () => { socket.close(); resolve(false) })
      socket.bind(port, host, () => { socket.close(() => { resolve(true) }) })
    }
  })
}


function validPort (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65_535
}

/** The ports saved by an earlier start; an absent or damaged file gives none (they are only a preference). */
export function readSavedPorts (file: string): Partial<SavedPorts> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null) return {}
  const saved: Partial<SavedPorts> = {}
  const record = parsed as Record<string, unknown>
  for (const key of ['relay', 'peer', 'app'] as const) {
    const value = record[key]
    if (validPort(value)) saved[key] = value
  }
  return saved
}

/** Saves the ports for the next start (written whole, then renamed, so a crash never leaves half a file). */
export function savePorts (file: string, ports: SavedPorts): void {
  mkdirSync(dirname(file), { recursive: true })
  const temp = `${file}.tmp`
  writeFileSync(temp, JSON.stringify(ports, null, 2) + '\n')
  renameSync(temp, file)
}

/** The [port, protocol] pairs a service holds when it starts on `base`. */
const NEEDS: Record<keyof LocalPorts, (base: number) => Array<[number, Protocol]>> = {
  relay: (base) => [[base, 'tcp'], [base, 'udp'], [base + 1, 'tcp']],
  peer: (base) => [[base, 'tcp'], [base, 'udp']]
}

export interface ChoosePortsInit {
  saved: Partial<LocalPorts>
  probe: PortProbe
  /** For the last resort (a port the system hands out). */
  host: string
  defaults?: LocalPorts
}

/**
 * For each service: its saved port when still free, else the first free one
 * from its saved (or default) port upward, else any the system has free.
 * Throws when none can be found.
 */
export async function choosePorts (init: ChoosePortsInit): Promise<LocalPorts> {
  const defaults = init.defaults ?? DEFAULT_LOCAL_PORTS
  const held = new Set<number>()
  const usable = async (service: keyof LocalPorts, base: number): Promise<boolean> => {
    const needs = NEEDS[service](base)
    if (needs.some(([port]) => held.has(port) || port > 65_535)) return false
    for (const [port, protocol] of needs) if (!await init.probe(port, protocol)) return false
    return true
  }
  const chosen: Partial<LocalPorts> = {}
  for (const service of ['relay', 'peer'] as const) {
    const start = init.saved[service] ?? defaults[service]
    let found: number | undefined
    for (let port = start; port < start + SEARCH_SPAN && found === undefined; port++) {
      if (await usable(service, port)) found = port
    }
    for (let attempt = 0; attempt < 20 && found === undefined; attempt++) {
      const port = await anyFreeTcpPort(init.host)
      if (await usable(service, port)) found = port
    }
    if (found === undefined) throw new Error(`no free port for the local ${service} from ${start} to ${start + SEARCH_SPAN - 1}`)
    for (const [port] of NEEDS[service](found)) held.add(port)
    chosen[service] = found
  }
  return chosen as LocalPorts
}
