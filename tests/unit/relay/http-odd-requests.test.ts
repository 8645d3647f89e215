import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { startHttpEndpoints, type HttpEndpoints } from '../../../relay-server/relay/http-server.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'

/** Sends `GET <path>` as written (fetch would normalise it); resolves with the status and body. */
async function rawGet (url: string, path: string): Promise<{ status: number, body: string }> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.once('error', reject)
    req.end()
  })
}

describe('relay HTTP endpoints: odd request targets from strangers', () => {
  let endpoints: HttpEndpoints
  const lines: string[] = []
  before(async () => {
    endpoints = await startHttpEndpoints({
      host: '127.0.0.1',
      port: 0,
      version: '0.0.0-test',
      ping: () => ({ service: 'cairn-relay', version: '0.0.0-test', peerId: 'x', multiaddrs: [], capabilities: [], limits: {} }),
      log: createLogger({ level: 'debug', write: (line) => { lines.push(line) } })
    })
  })
  after(async () => { await endpoints.close() })

  for (const path of ['//', '//x:99999/ping', '//[/health']) {
    it(`GET ${path} is the client's mistake (400), not a server error, and logs no error`, async () => {
      const before = lines.length
      const { status, body } = await rawGet(endpoints.url, path)
      assert.equal(status, 400, body)
      assert.equal(JSON.parse(body).error, 'bad request')
      const errors = lines.slice(before).filter((line) => JSON.parse(line).level === 'error')
      assert.deepEqual(errors, [], 'a stranger\'s request made the relay log an error')
    })
  }

  it('still answers /health', async () => {
    assert.equal((await rawGet(endpoints.url, '/health')).status, 200)
  })
})

describe('relay HTTP endpoints: one address holding idle sockets', () => {
  it('a stranger\'s idle sockets from one address do not lock everyone else out of /health', async () => {
    const endpoints = await startHttpEndpoints({
      host: '127.0.0.1',
      port: 0,
      version: '0.0.0-test',
      ping: () => ({ service: 'cairn-relay', version: '0.0.0-test', peerId: 'x', multiaddrs: [], capabilities: [], limits: {} }),
      log: createLogger({ level: 'silent' })
    })
    const sockets: Socket[] = []
    try {
      const port = Number(new URL(endpoints.url).port)
      // 127.0.0.2 is loopback too: the stranger's address; the app asks from 127.0.0.1.
      for (let i = 0; i < 300; i++) {
        sockets.push(await new Promise<Socket>((resolve) => {
          const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }, () => { resolve(socket) })
          socket.on('error', () => { resolve(socket) })
        }))
      }
      const { status } = await rawGet(endpoints.url, '/health')
      assert.equal(status, 200)
    } finally {
      for (const socket of sockets) socket.destroy()
      await endpoints.close()
    }
  })
})
