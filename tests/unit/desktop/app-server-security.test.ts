import assert from 'node:assert/strict'
import { afterEach, describe, it, mock } from 'node:test'
import { request } from 'node:http'
import { connect } from 'node:net'
import { SECURITY_HEADERS } from '../../../core/security-headers.ts'
import { SESSION_PATH, WINDOW_KEY_HEADER } from '../../../core/rpc/socket-messages.ts'
import { LAUNCH_TOKEN_TTL_MS } from '../../../desktop/server/launch-secret.ts'
import { launchCookie, startTestServer, upgradeStatus, windowKeyOf, type TestAppServer } from './app-server-support.ts'

/** A GET with a Host header of the test's choosing (fetch does not let one set it). */
async function getWithHost (url: string, host: string): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', reject)
    req.end()
  })
}

/** The status line the server answers a raw GET of `target` with (for request targets no client library sends). */
async function rawStatus (origin: string, target: string): Promise<string> {
  const { hostname, port, host } = new URL(origin)
  return await new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => { socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`) })
    let text = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
    socket.on('close', () => { resolve(text.split('\r\n')[0] ?? '') })
    socket.on('error', () => { resolve(text.split('\r\n')[0] ?? '') })
  })
}

describe('desktop app server: who may talk to the node', () => {
  let test: TestAppServer
  afterEach(async () => { mock.timers.reset(); await test.close() })

  it('the launch URL hands an HttpOnly, SameSite=Strict cookie and sends the window to /, the window key in the fragment', async () => {
    test = await startTestServer({})
    const response = await fetch(test.server.launchUrl(), { redirect: 'manual' })
    assert.equal(response.status, 303)
    const key = /^\/#window-key=([A-Za-z0-9_-]{43})$/.exec(response.headers.get('location') ?? '')?.[1]
    assert.ok(key !== undefined, `the window goes to / with its key in the fragment, not ${String(response.headers.get('location'))}`)
    const cookie = response.headers.getSetCookie()[0] ?? ''
    assert.match(cookie, /; HttpOnly/)
    assert.match(cookie, /; SameSite=Strict/)
    assert.match(cookie, /; Path=\//)
    assert.equal(await upgradeStatus(test.server, { origin: test.server.origin, cookie: cookie.split(';')[0], key }), 101)
  })

  // A browser sends a cookie of 127.0.0.1 to every port of 127.0.0.1. With the system browser
  // as the window (no Chromium installed), a program of another local user listening on some
  // port got the launch cookie from any page of its own the user opened, and with it (and a
  // forged Origin) the daemon's socket: the whole vault. The window key lives in the page's
  // storage, which a browser keeps per port.
  it('the launch cookie alone, as another port of 127.0.0.1 would receive it, opens no socket and no session', async () => {
    test = await startTestServer({})
    const { origin } = test.server
    const cookie = await launchCookie(test.server)
    assert.equal(await upgradeStatus(test.server, { origin, cookie, key: '' }), 403)
    assert.equal(await upgradeStatus(test.server, { origin, cookie, key: 'A'.repeat(43) }), 403)
    assert.ok(test.logged.some(line => line.includes('no window key')))
    assert.equal((await fetch(`${origin}${SESSION_PATH}`, { headers: { cookie } })).status, 403)
    assert.equal((await fetch(`${origin}${SESSION_PATH}`, { headers: { cookie, [WINDOW_KEY_HEADER]: 'A'.repeat(43) } })).status, 403)
    // The key without the cookie opens nothing either.
    assert.equal(await upgradeStatus(test.server, { origin, key: windowKeyOf(cookie) }), 403)
    assert.equal(await upgradeStatus(test.server, { origin, cookie }), 101, 'with both, as the launched window sends them')
  })

  it('a socket from another origin is refused with 403, and logged', async () => {
    test = await startTestServer({})
    const cookie = await launchCookie(test.server)
    const port = new URL(test.server.origin).port
    for (const origin of ['http://evil.example', `http://localhost:${port}`, `https://127.0.0.1:${port}`, 'null']) {
      assert.equal(await upgradeStatus(test.server, { origin, cookie }), 403, origin)
    }
    assert.equal(await upgradeStatus(test.server, { cookie }), 403, 'no Origin')
    assert.ok(test.logged.some(line => line.includes('evil.example')))
  })

  it('a socket without the cookie, or with a wrong secret, is refused with 403', async () => {
    test = await startTestServer({})
    const { origin } = test.server
    assert.equal(await upgradeStatus(test.server, { origin }), 403)
    const cookie = await launchCookie(test.server)
    const name = cookie.slice(0, cookie.indexOf('='))
    assert.equal(await upgradeStatus(test.server, { origin, cookie: `${name}=not-the-secret` }), 403)
    assert.equal(await upgradeStatus(test.server, { origin, cookie: `${name}=` }), 403)
    // Another server's secret does not open this one.
    const other = await startTestServer({})
    try {
      assert.equal(await upgradeStatus(test.server, { origin, cookie: await launchCookie(other.server) }), 403)
    } finally { await other.close() }
  })

  it('a launch token works once', async () => {
    test = await startTestServer({})
    const url = test.server.launchUrl()
    assert.equal((await fetch(url, { redirect: 'manual' })).status, 303)
    const again = await fetch(url, { redirect: 'manual' })
    assert.equal(again.status, 403)
    assert.deepEqual(again.headers.getSetCookie(), [])
    assert.equal((await fetch(`${test.server.origin}/?launch=made-up`, { redirect: 'manual' })).status, 403)
  })

  it('a launch token expires', async () => {
    test = await startTestServer({})
    mock.timers.enable({ apis: ['Date'], now: Date.now() })
    const url = test.server.launchUrl()
    mock.timers.tick(LAUNCH_TOKEN_TTL_MS + 1)
    const response = await fetch(url, { redirect: 'manual' })
    assert.equal(response.status, 403)
    assert.deepEqual(response.headers.getSetCookie(), [])
  })

  it('requests and sockets for another Host are refused (DNS rebinding)', async () => {
    test = await startTestServer({})
    const { origin } = test.server
    const port = new URL(origin).port
    const cookie = await launchCookie(test.server)
    assert.equal(await getWithHost(`${origin}/`, `rebind.example:${port}`), 403)
    assert.equal(await getWithHost(`${origin}/`, `localhost:${port}`), 403)
    assert.equal(await getWithHost(`${origin}/`, `127.0.0.1:${port}`), 200)
    assert.equal(await upgradeStatus(test.server, { origin, cookie, host: `rebind.example:${port}` }), 403)
  })

  it('downloads ask for the cookie, the session check for the cookie and the window key', async () => {
    test = await startTestServer({})
    const { origin } = test.server
    assert.equal((await fetch(`${origin}/download/some-file`)).status, 403)
    assert.equal((await fetch(`${origin}${SESSION_PATH}`)).status, 403)
    const cookie = await launchCookie(test.server)
    assert.equal((await fetch(`${origin}${SESSION_PATH}`, { headers: { cookie, [WINDOW_KEY_HEADER]: windowKeyOf(cookie) } })).status, 204)
  })

  // A request target the URL parser refuses ("//", "//[") threw in the request handler: the
  // server answered 500 "Internal error" and logged it as its own failure, at error level,
  // for any local process that sent one.
  it('a request target that is not a URL is a bad request (400), not a failure of the server', async () => {
    test = await startTestServer({})
    for (const target of ['//', '//[', '//a:b@', 'http://[']) {
      assert.equal(await rawStatus(test.server.origin, target), 'HTTP/1.1 400 Bad Request', target)
    }
    assert.deepEqual(test.logged.filter((line) => line.includes('failed a request')), [])
    assert.equal(await rawStatus(test.server.origin, '/'), 'HTTP/1.1 200 OK', 'and it serves on')
  })

  it('serves the app with its security headers and the desktop meta tag', async () => {
    test = await startTestServer({})
    for (const path of ['/', '/index.html', '/settings']) {
      const response = await fetch(`${test.server.origin}${path}`)
      assert.equal(response.status, 200, path)
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(response.headers.get(name), value, name)
      assert.match(await response.text(), /<head><meta name="cairn-host" content="desktop">/)
    }
    assert.equal((await fetch(`${test.server.origin}/assets/missing.js`)).status, 404)
    assert.equal((await fetch(`${test.server.origin}/..%2f..%2fetc%2fpasswd`)).status, 404)
  })
})
