import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, it } from 'node:test'

// Review: onUpgrade (desktop/server/app-server.ts) parses req.url with `new URL(...)` outside
// any try, in a synchronous 'upgrade' listener, before it looks at Host, Origin or the cookie.
// A request target the URL parser refuses ("//[") throws there: an uncaught exception, which
// ends the daemon. Any local process, of any user, can send it to 127.0.0.1:PORT.

const SERVER = `
import { startAppServer } from ${JSON.stringify(resolve('desktop/server/app-server.ts'))}
const log = { debug () {}, info () {}, warn () {}, error () {} }
const server = await startAppServer({ distDir: process.argv[2], host: '127.0.0.1', port: 0, node: new Promise(() => {}), subscribe: () => () => {}, log })
console.log(server.origin)
`

/** Sends one raw upgrade request; resolves with what came back ('' when the socket closed). */
async function rawUpgrade (origin: string, target: string): Promise<string> {
  const { hostname, port } = new URL(origin)
  return await new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
    })
    let text = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
    socket.on('close', () => { resolve(text) })
    socket.on('error', () => { resolve(text) })
    setTimeout(() => { socket.destroy() }, 2_000)
  })
}

describe('the app server survives a malformed WebSocket upgrade', () => {
  it('an upgrade whose target is not a URL is refused, and the daemon keeps running', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'cairn-dist-'))
    await writeFile(join(dist, 'index.html'), '<!doctype html><html><head></head></html>')
    const script = join(dist, 'server.mts')
    await writeFile(script, SERVER)
    const child = spawn(process.execPath, ['--import', 'tsx', script, dist], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code) }) })
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').once('data', (line: string) => { resolve(line.trim()) })
        child.once('exit', () => { reject(new Error(`the server did not start: ${stderr}`)) })
      })
      const answer = await rawUpgrade(origin, '//[')
      const code = await Promise.race([exited, new Promise<'alive'>((resolve) => setTimeout(() => { resolve('alive') }, 1_000))])
      assert.equal(code, 'alive', `the daemon's app server exited (code ${String(code)}): ${stderr.split('\n').find((l) => l.includes('Error')) ?? stderr}`)
      assert.match(answer, /^HTTP\/1\.1 (400|403)/)
    } finally {
      child.kill('SIGKILL')
      await exited
      await rm(dist, { recursive: true, force: true })
    }
  })
})
