import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'

/**
 * Start-up failures a person can act on. libp2p reports a taken port as a
 * paragraph with stack traces and advice about its own options (and
 * WebRTC-direct as "Failed to register ICE UDP mux listener", no errno), so
 * after a failed start the server binds each of its ports itself, briefly,
 * and names the first one the system refuses, with the option that set it.
 */

/** One port a server listens on, and the option that sets it. */
export interface ListenPort {
  /** e.g. '--ws-port'. */
  flag: string
  protocol: 'tcp' | 'udp'
  host: string
  /** 0: any free port (still bound, to see whether the host is one of this machine's). */
  port: number
}

/** The server could not listen on one of its ports; the message says which and why. */
export class ListenFailedError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ListenFailedError'
  }
}

/** The errno code (EADDRINUSE, EACCES, …) binding `where` fails with now, or undefined when it binds. */
export async function bindError (where: ListenPort): Promise<string | undefined> {
  const failed = (err: NodeJS.ErrnoException): string => err.code ?? 'EINVAL'
  if (where.protocol === 'tcp') {
    return await new Promise((resolve) => {
      const server = createServer()
      server.once('error', (err) => { resolve(failed(err)) })
      server.listen({ port: where.port, host: where.host, exclusive: true }, () => { server.close(() => { resolve(undefined) }) })
    })
  }
  return await new Promise((resolve) => {
    const socket = createSocket(where.host.includes(':') ? 'udp6' : 'udp4')
    socket.once('error', (err) => { socket.close(); resolve(failed(err)) })
    socket.bind({ port: where.port, address: where.host, exclusive: true }, () => { socket.close(() => { resolve(undefined) }) })
  })
}

function describe (where: ListenPort, code: string): string {
  const port = `${where.host} ${where.protocol.toUpperCase()} port ${where.port} (${where.flag})`
  if (code === 'EADDRINUSE') return `${port} is in use by another program; stop it or choose another port (0: any free port)`
  if (code === 'EACCES') return `no permission to listen on ${port}; ports below 1024 need privileges, choose a higher one`
  if (code === 'EADDRNOTAVAIL') return `${where.host} is not an address of this machine (--host); use one of its addresses, or 0.0.0.0 for all`
  return `cannot listen on ${port}: ${code}`
}

/**
 * After a start failed with `cause`: a ListenFailedError naming the first of
 * `ports` the system refuses now, or `cause` itself when they all bind.
 */
export async function explainListenFailure (cause: unknown, ports: readonly ListenPort[]): Promise<unknown> {
  for (const where of ports) {
    const code = await bindError(where)
    if (code !== undefined) return new ListenFailedError(describe(where, code), { cause })
  }
  return cause
}
