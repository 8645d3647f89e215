import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

// `npm start` with its usual ports (4101–4103) taken by another program: it
// must start on free ones, say where, and keep them for the next start.

const SCRIPT = new URL('../../../scripts/start.ts', import.meta.url).pathname
const ROOT = new URL('../../../', import.meta.url).pathname
const FIXED = [4101, 4102, 4103]

interface Run { code: number | string, stdout: string, stderr: string }

/** Runs `npm start -- --no-build` until it prints its summary (then SIGTERM) or exits by itself. */
async function runStart (env: Record<string, string>): Promise<Run & { printed: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--no-build'], { cwd: ROOT, env: { ...process.env, CAIRN_LOG_LEVEL: 'error', ...env } })
  let stdout = ''
  let stderr = ''
  let printed = false
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s
    if (!printed && stdout.includes('Press Ctrl+C to stop.')) {
      printed = true
      child.kill('SIGTERM')
    }
  })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, 90_000)
  const code = await new Promise<number | string>(resolve => { child.once('exit', (c, signal) => { resolve(c ?? signal ?? -1) }) })
  clearTimeout(timer)
  return { code, stdout, stderr, printed }
}

/** Holds a port as another program would; a port something else already holds counts as taken too. */
async function holdTcp (port: number): Promise<Server | undefined> {
  const server = createServer()
  return await new Promise(resolve => {
    server.once('error', () => { resolve(undefined) })
    server.listen(port, '127.0.0.1', () => { resolve(server) })
  })
}

async function holdUdp (port: number): Promise<UdpSocket | undefined> {
  const socket = createSocket('udp4')
  return await new Promise(resolve => {
    socket.once('error', () => { socket.close(); resolve(undefined) })
    socket.bind(port, '127.0.0.1', () => { resolve(socket) })
  })
}

function portOf (output: string, label: string): number {
  const match = new RegExp(`${label}\\s+/ip4/127\\.0\\.0\\.1/tcp/(\\d+)/ws/p2p/`).exec(output)
  assert.ok(match !== null, `"${label}" address in:\n${output}`)
  return Number(match[1])
}

describe('npm start with its usual ports taken', { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-start-'))
  const held: Array<Server | UdpSocket | undefined> = []

  before(async () => {
    for (const port of FIXED) held.push(await holdTcp(port), await holdUdp(port))
  })

  after(() => {
    for (const h of held) h?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  let first: { relay: number, peer: number } | undefined

  it('starts on free ports, prints them and a pairing link, and stops on SIGTERM', async () => {
    const run = await runStart({ CAIRN_DATA_DIR: dataDir, CAIRN_PORT: '0' })
    assert.ok(run.printed, `no summary; exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`)
    assert.equal(run.code, 0, `exit code after SIGTERM\nstderr: ${run.stderr}`)
    assert.doesNotMatch(run.stderr, /Failed to register|\n\s+at /, 'no crash, no stack trace')
    const relay = portOf(run.stdout, 'relay')
    const peer = portOf(run.stdout, 'backup peer')
    for (const port of [relay, relay + 1, peer]) assert.ok(!FIXED.includes(port), `port ${port} is one of the taken ones`)
    const link = /(http:\/\/localhost:\d+\/#\/backup\/add\?\S+)/.exec(run.stdout)?.[1]
    assert.ok(link !== undefined, `a pairing link in:\n${run.stdout}`)
    const params = new URLSearchParams(new URL(link).hash.slice('#/backup/add?'.length))
    assert.match(params.get('peer') ?? '', new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/${peer}/ws/p2p/`))
    assert.match(params.get('code') ?? '', /\S/)
    assert.ok(run.stdout.includes(`pairing code   ${params.get('code') ?? ''}`))
    first = { relay, peer }
  })

  it('comes back on the same ports on the next start', async () => {
    assert.ok(first !== undefined, 'the first start ran')
    const run = await runStart({ CAIRN_DATA_DIR: dataDir, CAIRN_PORT: '0' })
    assert.ok(run.printed, `no summary; exit ${run.code}\nstderr: ${run.stderr}`)
    assert.deepEqual({ relay: portOf(run.stdout, 'relay'), peer: portOf(run.stdout, 'backup peer') }, first)
  })

  it('explains a bad setting in one line, without a stack trace', async () => {
    const run = await runStart({ CAIRN_DATA_DIR: dataDir, CAIRN_PORT: 'eighty' })
    assert.equal(run.code, 1)
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
    assert.match(run.stderr, /^Cairn could not start: CAIRN_PORT must be a port number/)
  })
})
