import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { describe, it } from 'node:test'
import { WebSocket as WsSocket, WebSocketServer } from 'ws'
import { CairnError } from '../../../core/errors.ts'
import { createRpcClient } from '../../../core/rpc/rpc-client.ts'
import { decodeDaemonFrame, decodePageFrame, encodeFrame } from '../../../core/rpc/socket-codec.ts'
import type { FromNodeMessage } from '../../../core/rpc/messages.ts'
import { CHALLENGE_PARAM, DAEMON_KEY_META_NAME, SESSION_PATH, SOCKET_PATH, WINDOW_KEY_PARAM, type DaemonToPageMessage } from '../../../core/rpc/socket-messages.ts'
import { checkProof, newChallenge } from '../../../core/rpc/socket-proof.ts'
import { waitFor } from '../support/polling.ts'
import { launchCookie, pageCarrier, startTestServer, upgradeStatus, windowKeyOf } from './app-server-support.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const hasCode = (code: string) => (err: unknown): boolean => err instanceof CairnError && err.code === code

interface Stranger {
  /** Every frame a window sent it, decoded. */
  heard: unknown[]
  /** How often a window asked its /rpc/session. */
  sessionAsks: number
  /** How many sockets it accepted. */
  sockets: number
  close: () => Promise<void>
}

/**
 * Another local user's server on `port`: it knows no secret, accepts any
 * cookie, answers /rpc/session with 204, and sends `firstFrame` (if any) on
 * every socket it accepts.
 */
async function startStranger (port: number, firstFrame?: () => DaemonToPageMessage): Promise<Stranger> {
  const stranger: Stranger = { heard: [], sessionAsks: 0, sockets: 0, close: async () => {} }
  const fake = createServer((req, res) => {
    if (req.url === SESSION_PATH) stranger.sessionAsks++
    res.writeHead(req.url === SESSION_PATH ? 204 : 200)
    res.end()
  })
  const wss = new WebSocketServer({ noServer: true })
  fake.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      stranger.sockets++
      ws.on('message', (data) => { stranger.heard.push(decodePageFrame(data as Uint8Array)) })
      if (firstFrame !== undefined) ws.send(encodeFrame(firstFrame()))
    })
  })
  await new Promise<void>((resolve) => { fake.listen(port, '127.0.0.1', resolve) })
  stranger.close = async () => {
    for (const client of wss.clients) client.terminate()
    wss.close()
    fake.closeAllConnections()
    await new Promise<void>((resolve) => { fake.close(() => { resolve() }) })
  }
  return stranger
}

/** A real daemon and its launched window's carrier; then the daemon dies and `firstFrame`'s stranger takes its port. */
async function strangerAfterDaemon (firstFrame: ((captured: Uint8Array) => DaemonToPageMessage) | undefined): Promise<{ stranger: Stranger, results: FromNodeMessage[], client: ReturnType<typeof createRpcClient>, waits: () => number }> {
  const test = await startTestServer({ 'vault.activity': async () => {} })
  const cookie = await launchCookie(test.server)
  const port = Number(new URL(test.server.origin).port)
  // What a stranger holding the cookie could have collected while the daemon ran: a proof for a challenge of its own.
  const captured = await proofFor(test.server.origin, cookie, newChallenge())
  let waits = 0
  const carrier = pageCarrier(test.server, cookie, { wait: async () => { waits++; await sleep(50) } })
  const results: FromNodeMessage[] = []
  carrier.listen((message) => { results.push(message) })
  const client = createRpcClient(carrier, 'page')
  await client.call('vault.activity', undefined)
  await test.close()
  const stranger = await startStranger(port, firstFrame === undefined ? undefined : () => firstFrame(captured))
  return { stranger, results, client, waits: () => waits }
}

/** Opens a socket to the daemon as a holder of `cookie` and returns the signature of its first frame. */
async function proofFor (origin: string, cookie: string, challenge: string): Promise<Uint8Array> {
  const ws = new WsSocket(`${origin.replace(/^http/, 'ws')}${SOCKET_PATH}?${CHALLENGE_PARAM}=${challenge}&${WINDOW_KEY_PARAM}=${windowKeyOf(cookie)}`, { headers: { Origin: origin, Cookie: cookie } })
  return await new Promise<Uint8Array>((resolve, reject) => {
    ws.on('error', reject)
    ws.on('message', (data: Buffer) => {
      const message = decodeDaemonFrame(new Uint8Array(data))
      ws.close()
      if (message.kind === 'daemon-proof') resolve(message.signature)
      else reject(new Error(`the first frame was ${message.kind}`))
    })
  })
}

describe('a window sends its calls only to the daemon that launched it', () => {
  // The reviewer's case: the app port is fixed (47600 by default) and any local account may bind
  // a free loopback port. When the daemon goes away without closing the window, a process of
  // another user that takes the port answers /rpc/session with 204 and accepts the WebSocket;
  // the open window reconnected by itself and sent it every call, the passphrase of the next
  // unlock included.
  it('after the daemon is gone, a stranger on its port gets no call from the window', async () => {
    const test = await startTestServer({})
    const cookie = await launchCookie(test.server)
    const port = Number(new URL(test.server.origin).port)
    // After the test, the window waits forever instead of redialling a closed port (which would keep the process alive).
    let over = false
    const carrier = pageCarrier(test.server, cookie, { wait: async () => { if (over) await new Promise<never>(() => {}); await new Promise((resolve) => setTimeout(resolve, 50)) } })
    const results: FromNodeMessage[] = []
    carrier.listen((message) => { results.push(message) })
    await new Promise((resolve) => setTimeout(resolve, 200))

    // The daemon dies; the window stays open (it runs in its own process group).
    await test.close()

    // Another local user's process takes the port: it knows no secret and accepts any cookie.
    const stranger = await startStranger(port)
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      // The user unlocks in the window.
      carrier.post({ kind: 'call', id: 'u1', method: 'vault.unlock', args: { passphrase: 'my secret passphrase' } })
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.deepEqual(stranger.heard, [], 'the window sent its call, passphrase and all, to a server that never held the launch secret')
    } finally {
      over = true
      await stranger.close()
    }
  })

  for (const [name, firstFrame] of [
    ['speaks like the node (vault.status first)', () => ({ kind: 'event', event: 'vault.status', data: { state: 'locked' } })],
    ['sends a made-up proof', () => ({ kind: 'daemon-proof', signature: new Uint8Array(64).fill(7) })],
    ['replays a proof the real daemon once gave (it had the cookie)', (captured: Uint8Array) => ({ kind: 'daemon-proof', signature: captured })]
  ] as Array<[string, (captured: Uint8Array) => DaemonToPageMessage]>) {
    it(`a stranger on the port that ${name} gets nothing, and the window says to open Cairn again`, { timeout: 10_000 }, async () => {
      const { stranger, client, waits } = await strangerAfterDaemon(firstFrame)
      try {
        await waitFor(() => stranger.sockets > 0, 5000, 'the window to reach the stranger')
        await assert.rejects(client.call('vault.unlock', { passphrase: 'my secret passphrase' }), hasCode('DESKTOP_NOT_LAUNCHED'))
        const waited = waits()
        const sockets = stranger.sockets
        await sleep(300)
        assert.deepEqual(stranger.heard, [])
        assert.equal(stranger.sockets, sockets, 'it does not dial the stranger again')
        assert.equal(waits(), waited, 'it stops trying')
        await assert.rejects(client.call('vault.activity', undefined), hasCode('DESKTOP_NOT_LAUNCHED'))
        assert.deepEqual(stranger.heard, [])
      } finally {
        await stranger.close()
      }
    })
  }

  // A stranger that accepts the socket and says nothing held every call of the window
  // waiting for ever: the unlock button spun with no word. A socket gets a while to prove
  // itself; then it is dropped unused and what waits is told the app is not answering.
  it('a stranger on the port that accepts the socket and stays silent gets nothing, and calls are answered', { timeout: 10_000 }, async () => {
    const test = await startTestServer({ 'vault.activity': async () => {} })
    const cookie = await launchCookie(test.server)
    const port = Number(new URL(test.server.origin).port)
    let over = false
    const carrier = pageCarrier(test.server, cookie, {
      proofWaitMs: 300,
      wait: async () => { if (over) await new Promise<never>(() => {}); await sleep(50) }
    })
    const client = createRpcClient(carrier, 'page')
    await client.call('vault.activity', undefined)
    await test.close()
    const stranger = await startStranger(port)
    try {
      await waitFor(() => stranger.sockets > 0, 5000, 'the window to reach the stranger')
      await assert.rejects(client.call('vault.unlock', { passphrase: 'my secret passphrase' }), hasCode('NODE_UNAVAILABLE'))
      assert.deepEqual(stranger.heard, [])
    } finally {
      over = true
      await stranger.close()
    }
  })

  it('a page that carries no daemon key trusts no socket, even the daemon\'s', { timeout: 10_000 }, async () => {
    const test = await startTestServer({ 'vault.activity': async () => {} })
    try {
      const cookie = await launchCookie(test.server)
      const client = createRpcClient(pageCarrier(test.server, cookie, { daemonKey: undefined }), 'page')
      await assert.rejects(client.call('vault.activity', undefined), hasCode('DESKTOP_NOT_LAUNCHED'))
    } finally {
      await test.close()
    }
  })
})

describe('the daemon proves itself on every socket', () => {
  it('its page carries its key, and each socket\'s first frame is its signature over that socket\'s challenge', async () => {
    const test = await startTestServer({})
    try {
      const html = await (await fetch(`${test.server.origin}/`)).text()
      assert.ok(html.includes(`<meta name="${DAEMON_KEY_META_NAME}" content="${test.server.daemonKey}">`))
      const cookie = await launchCookie(test.server)
      const challenge = newChallenge()
      const signature = await proofFor(test.server.origin, cookie, challenge)
      assert.equal(checkProof(test.server.daemonKey, challenge, signature), true)
      assert.equal(checkProof(test.server.daemonKey, newChallenge(), signature), false, 'a proof answers one challenge only')
      const other = await startTestServer({})
      try {
        assert.equal(checkProof(other.server.daemonKey, challenge, signature), false, 'another launch has another key')
      } finally { await other.close() }
    } finally {
      await test.close()
    }
  })

  it('a socket without a well-formed challenge is refused with 403', async () => {
    const test = await startTestServer({})
    try {
      const cookie = await launchCookie(test.server)
      const { origin } = test.server
      assert.equal(await upgradeStatus(test.server, { origin, cookie }), 101)
      for (const challenge of [null, '', 'ab', newChallenge().toUpperCase(), newChallenge() + '00']) {
        assert.equal(await upgradeStatus(test.server, { origin, cookie }, challenge), 403, String(challenge))
      }
      assert.ok(test.logged.some(line => line.includes('no challenge')))
    } finally {
      await test.close()
    }
  })
})
