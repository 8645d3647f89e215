import { createServer, type Server } from 'node:net'

/** Whether TCP `port` can be bound on `host` right now (bound for a moment, then let go). */
export async function tcpPortFree (host: string, port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen({ port, host, exclusive: true }, () => { server.close(() => { resolve(true) }) })
  })
}

/** A TCP port the system has free on `host` now (free to take, not reserved). */
export async function anyFreeTcpPort (host: string): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}

/** Binds `server` to a local socket path (or named pipe); rejects with the bind error (EADDRINUSE: someone holds it). */
export async function listenOnPath (server: Server, path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => { reject(err) }
    server.once('error', fail)
    server.listen(path, () => {
      server.off('error', fail)
      resolve()
    })
  })
}
