import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { RELAY_OPTIONS } from '../../../relay-server/relay/config.ts'
import { createClient, eventually, runRelay, spawnRelay, tempDir, wsAddress, type SpawnedRelay } from './helpers.ts'

/** Every file under `dir`, as paths relative to it. */
async function filesUnder (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter(e => !e.isDirectory()).map(e => relative(dir, join(e.parentPath, e.name))).sort()
}

async function stopWithin (relay: SpawnedRelay, signal: NodeJS.Signals, ms: number): Promise<number | string> {
  const started = Date.now()
  relay.child.kill(signal)
  const timer = setTimeout(() => { relay.child.kill('SIGKILL') }, ms)
  const code = await relay.exited
  clearTimeout(timer)
  assert.ok(Date.now() - started < ms, `stopped in ${Date.now() - started} ms`)
  return code
}

describe('cairn-relay bin', { timeout: 45_000 }, () => {
  it('--help lists every option and exits 0', async () => {
    const { code, stdout } = await runRelay(['--help'])
    assert.equal(code, 0)
    for (const spec of Object.values(RELAY_OPTIONS)) {
      assert.ok(stdout.includes(`--${spec.flag} `) || stdout.includes(`--[no-]${spec.flag} `), `--${spec.flag} in --help`)
      assert.ok(stdout.includes(spec.env), `${spec.env} in --help`)
    }
  })

  it('an invalid value exits 2 with a clear message and starts nothing', async () => {
    const { code, stdout, stderr } = await runRelay(['--ws-port', '99999'], { CAIRN_RELAY_LOG_LEVEL: 'loud' })
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.match(stderr, /--ws-port: expected a number from 0 to 65535, got 99999/)
    assert.match(stderr, /CAIRN_RELAY_LOG_LEVEL: expected one of/)
    assert.match(stderr, /See cairn-relay --help/)
  })

  describe('running', () => {
    let dir: Awaited<ReturnType<typeof tempDir>>
    let relay: SpawnedRelay

    before(async () => {
      dir = await tempDir()
      // Default key file (./.cairn/relay/key under the working directory); ports from the environment.
      relay = await spawnRelay([], { cwd: dir.path, env: { CAIRN_RELAY_WS_PORT: '0', CAIRN_RELAY_LOG_LEVEL: 'debug' } })
    })

    after(async () => {
      relay?.child.kill('SIGKILL')
      await dir?.cleanup()
    })

    it('prints its multiaddrs and a READY line with the real ports', () => {
      const { ready } = relay
      assert.match(ready.peerId, /^12D3KooW/)
      assert.match(ready.http, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.notEqual(ready.http, 'http://127.0.0.1:0')
      const ws = ready.multiaddrs.find(a => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//.test(a))
      const webrtc = ready.multiaddrs.find(a => /^\/ip4\/127\.0\.0\.1\/udp\/\d+\/webrtc-direct\/certhash\/\w+/.test(a))
      assert.ok(ws !== undefined && !ws.includes('/tcp/0/'), String(ws))
      assert.ok(webrtc !== undefined && !webrtc.includes('/udp/0/'), String(webrtc))
      for (const address of ready.multiaddrs) {
        assert.ok(address.endsWith(`/p2p/${ready.peerId}`), address)
        assert.ok(relay.stdout().includes(`  ${address}\n`), 'each address is printed for people too')
      }
    })

    it('logs JSON lines with levels on stderr', async () => {
      const lines = (): Array<{ level: string, time: string, msg: string }> => relay.stderr().trim().split('\n').filter(l => l !== '').map(line => JSON.parse(line) as { level: string, time: string, msg: string })
      // stderr is its own pipe: its bytes may arrive just after the READY line.
      assert.ok(await eventually(() => lines().some(l => l.level === 'info' && l.msg === 'relay started')), relay.stderr())
      assert.ok(lines().every(l => ['debug', 'info', 'warn', 'error'].includes(l.level) && !Number.isNaN(Date.parse(l.time))))
    })

    it('answers GET /health and GET /ping, readable from any origin', async () => {
      const health = await fetch(`${relay.ready.http}/health`)
      assert.equal(health.status, 200)
      assert.equal(health.headers.get('access-control-allow-origin'), '*')
      assert.deepEqual(await health.json(), { status: 'ok', version: relay.ready.version })

      const ping = await fetch(`${relay.ready.http}/ping`, { headers: { origin: 'http://localhost:5173' } })
      assert.equal(ping.status, 200)
      assert.equal(ping.headers.get('access-control-allow-origin'), '*')
      const body = await ping.json() as Record<string, unknown>
      assert.equal(body.service, 'cairn-relay')
      assert.equal(body.version, relay.ready.version)
      assert.equal(body.peerId, relay.ready.peerId)
      assert.deepEqual(body.multiaddrs, relay.ready.multiaddrs)
      for (const capability of ['circuit-relay-v2', 'websocket', 'webrtc-direct', 'unlimited-relay']) {
        assert.ok((body.capabilities as string[]).includes(capability), capability)
      }
      assert.equal((body.limits as Record<string, number>).maxReservations, 128)

      const missing = await fetch(`${relay.ready.http}/metrics`)
      assert.equal(missing.status, 404)
      assert.equal((await missing.json() as { error: string }).error, 'not found')
      assert.equal((await fetch(`${relay.ready.http}/ping`, { method: 'POST' })).status, 404)
    })

    it('accepts a libp2p connection on its WebSocket address', async () => {
      const client = await createClient()
      try {
        const rtt = await client.services.ping.ping(wsAddress(relay.ready.multiaddrs), { signal: AbortSignal.timeout(5_000) })
        assert.ok(rtt >= 0)
      } finally {
        await client.stop()
      }
    })

    it('stops on SIGTERM with exit code 0, keeps its PeerId across restarts, writes nothing but its key', async () => {
      assert.equal(await stopWithin(relay, 'SIGTERM', 5_000), 0)
      const keyFile = join(dir.path, '.cairn', 'relay', 'key')
      assert.equal((await stat(keyFile)).mode & 0o777, 0o600)

      relay = await spawnRelay(['--ws-port', '0', '--no-webrtc-direct'], { cwd: dir.path })
      assert.equal(relay.ready.peerId, (JSON.parse(relay.stdout().split('CAIRN_RELAY_READY ')[1]!) as { peerId: string }).peerId)
      const first = relay.ready.peerId
      assert.equal(await stopWithin(relay, 'SIGINT', 5_000), 0)

      relay = await spawnRelay(['--ws-port', '0', '--no-webrtc-direct'], { cwd: dir.path })
      assert.equal(relay.ready.peerId, first, 'same key file, same PeerId')
      assert.equal(relay.ready.multiaddrs.length, 1, 'no WebRTC-direct address when it is off')
      assert.equal(await stopWithin(relay, 'SIGTERM', 5_000), 0)
      assert.deepEqual(await filesUnder(dir.path), [join('.cairn', 'relay', 'key')])
    })
  })
})
