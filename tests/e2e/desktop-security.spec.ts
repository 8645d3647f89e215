import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { WebSocket } from 'ws'
import { expect, test } from './support/fixtures.ts'
import { freePort } from './support/backup-servers.ts'
import { chromiumLaunchOptions } from './support/browser.ts'
import { DESKTOP_BIN, DESKTOP_READY, type DesktopReady } from './support/desktop-app.ts'
import { isLoopback, listeningSockets } from './support/listening-sockets.ts'
import { startServerProcess, type ServerProcess } from './support/server-process.ts'
import { serveDirectory } from './support/static-server.ts'
import { waitFor } from '../unit/support/polling.ts'
import { decodeDaemonFrame } from '../../core/rpc/socket-codec.ts'
import { CHALLENGE_PARAM, SESSION_PATH, SOCKET_PATH, WINDOW_KEY_HEADER, WINDOW_KEY_PARAM } from '../../core/rpc/socket-messages.ts'
import { newChallenge } from '../../core/rpc/socket-proof.ts'

/*
 * The shipped `cairn-desktop` (not the server in-process): what another
 * origin, a local program without the launch secret, or a DNS-rebinding page
 * can do with its loopback port; and what it listens on. Its "browser" is a
 * script that writes down the launch URL it was given, so the test holds the
 * one-time link the window would have opened.
 */

interface Daemon { proc: ServerProcess<DesktopReady>, dataDir: string, port: number, origin: string, launchUrl: () => Promise<string>, dispose: () => Promise<void> }

async function startDaemon (args: string[] = []): Promise<Daemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-desktop-sec-'))
  const opened = join(dataDir, 'opened-urls.txt')
  const fakeBrowser = join(dataDir, 'fake-browser.sh')
  writeFileSync(fakeBrowser, `#!/bin/sh\nfor a in "$@"; do echo "$a"; done >> '${opened}'\n`)
  chmodSync(fakeBrowser, 0o700)
  const port = await freePort()
  const proc = await startServerProcess<DesktopReady>(DESKTOP_BIN, ['--data-dir', dataDir, '--port', String(port), ...args], DESKTOP_READY, 60_000, {
    CAIRN_DESKTOP_BROWSER: fakeBrowser,
    XDG_CONFIG_HOME: join(dataDir, 'xdg-config')
  })
  const launchUrl = async (): Promise<string> => {
    let page: string | undefined
    await waitFor(() => {
      page = existsSync(opened) ? readFileSync(opened, 'utf8').split('\n').find(line => line.startsWith('--app='))?.slice('--app='.length) : undefined
      return page !== undefined
    }, 30_000, 'the daemon to open its window')
    // The browser is given a page only this user can read, never the token itself (another local user can read a process's arguments).
    expect(readFileSync(opened, 'utf8')).not.toContain('launch=')
    const file = fileURLToPath(page as string)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700)
    const refresh = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1] ?? ''
    return refresh.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
  }
  return {
    proc,
    dataDir,
    port,
    origin: proc.ready.origin,
    launchUrl,
    dispose: async () => {
      await proc.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** A plain HTTP GET with exactly these headers (Host included), its status, Set-Cookie and the window key of its Location. */
async function get (url: string, headers: Record<string, string> = {}): Promise<{ status: number, cookie: string | undefined, windowKey: string | undefined }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume()
      const setCookie = res.headers['set-cookie']?.[0]
      resolve({ status: res.statusCode ?? 0, cookie: setCookie?.split(';')[0], windowKey: /#window-key=(.+)$/.exec(res.headers.location ?? '')?.[1] })
    })
    req.on('error', reject)
    req.end()
  })
}

/** Tries the RPC socket as a local program would (with a challenge and `windowKey`, as the page sends): 'open' and the first frame's kind, or the HTTP status it got. */
async function trySocket (origin: string, headers: Record<string, string>, windowKey = ''): Promise<{ opened: boolean, status?: number, firstFrame?: string }> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}${SOCKET_PATH}?${CHALLENGE_PARAM}=${newChallenge()}&${WINDOW_KEY_PARAM}=${windowKey}`, { headers })
  return await new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => { resolve({ opened: false, status: res.statusCode }); ws.terminate() })
    ws.on('error', () => { resolve({ opened: false }) })
    ws.on('message', (data: Buffer) => {
      const message = decodeDaemonFrame(new Uint8Array(data))
      resolve({ opened: true, firstFrame: message.kind === 'event' ? message.event : message.kind })
      ws.close()
    })
  })
}

test('the shipped daemon: no socket for another origin, a program without the secret or a foreign Host; the launch link works once; it listens on loopback only', async () => {
  const daemon = await startDaemon()
  const otherDir = mkdtempSync(join(tmpdir(), 'cairn-other-origin-'))
  writeFileSync(join(otherDir, 'index.html'), '<!doctype html><title>Another site</title>')
  const other = await serveDirectory(otherDir)
  const browser = await chromium.launch(chromiumLaunchOptions())
  try {
    const { origin, port } = daemon
    expect(origin).toBe(`http://127.0.0.1:${port}`)
    const host = `127.0.0.1:${port}`

    // The launch link hands the secret once; opened again (or guessed), it is refused.
    const launch = await daemon.launchUrl()
    const first = await get(launch)
    expect(first.status).toBe(303)
    const cookie = first.cookie ?? ''
    const key = first.windowKey ?? ''
    expect(cookie).toMatch(/^cairn-desktop=.{20,}/)
    expect(key).toMatch(/^.{40,}$/)
    expect((await get(launch)).status).toBe(403)
    expect((await get(`${origin}/?launch=guessed-token`)).status).toBe(403)

    // With the secret, the socket opens and the daemon first proves itself (the control case).
    expect(await trySocket(origin, { Origin: origin, Cookie: cookie }, key)).toEqual({ opened: true, firstFrame: 'daemon-proof' })
    expect((await get(origin + SESSION_PATH, { Cookie: cookie, [WINDOW_KEY_HEADER]: key })).status).toBe(204)
    // The cookie alone, as a program on another port of 127.0.0.1 could collect it from the user's browser: nothing.
    expect(await trySocket(origin, { Origin: origin, Cookie: cookie })).toEqual({ opened: false, status: 403 })
    expect((await get(origin + SESSION_PATH, { Cookie: cookie })).status).toBe(403)

    // A local program with the right Origin but no secret, or a wrong one: 403, nothing to call.
    expect(await trySocket(origin, { Origin: origin })).toEqual({ opened: false, status: 403 })
    expect(await trySocket(origin, { Origin: origin, Cookie: 'cairn-desktop=' + 'A'.repeat(43) })).toEqual({ opened: false, status: 403 })
    expect((await get(origin + SESSION_PATH)).status).toBe(403)
    expect((await get(`${origin}/download/x/y`)).status).toBe(403)
    // The secret but another origin: another port, localhost for 127.0.0.1, none at all.
    for (const foreign of [other.url.replace(/\/$/, ''), `http://localhost:${port}`, 'null']) {
      expect(await trySocket(origin, { Origin: foreign, Cookie: cookie }, key), `origin ${foreign}`).toEqual({ opened: false, status: 403 })
    }
    expect(await trySocket(origin, { Cookie: cookie }, key)).toEqual({ opened: false, status: 403 })
    // DNS rebinding: a foreign name resolved to 127.0.0.1 sends its own Host, for pages and the socket alike.
    for (const foreignHost of [`evil.example:${port}`, `localhost:${port}`]) {
      expect((await get(`${origin}/`, { Host: foreignHost })).status, `host ${foreignHost}`).toBe(403)
      expect(await trySocket(origin, { Host: foreignHost, Origin: `http://${foreignHost}`, Cookie: cookie }, key), `host ${foreignHost}`).toEqual({ opened: false, status: 403 })
    }
    expect((await get(`${origin}/`, { Host: host })).status).toBe(200)

    // In a real browser that holds the secret cookie: a page of another origin cannot open the socket; the app's own page can.
    const context = await browser.newContext()
    await context.addCookies([{ name: 'cairn-desktop', value: cookie.slice('cairn-desktop='.length), domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }])
    const page = await context.newPage()
    const openSocket = async (): Promise<string> => await page.evaluate(async (url) => await new Promise<string>((resolve) => {
      const ws = new WebSocket(url)
      ws.onopen = () => { resolve('open'); ws.close() }
      ws.onerror = () => { resolve('refused') }
    }), `ws://${host}${SOCKET_PATH}?${CHALLENGE_PARAM}=${newChallenge()}&${WINDOW_KEY_PARAM}=${key}`)
    await page.goto(other.url)
    expect(await openSocket()).toBe('refused')
    const onLocalhost = await page.goto(`http://localhost:${port}/`)
    expect(onLocalhost?.status()).toBe(403)
    await page.goto(origin + '/')
    expect(await openSocket()).toBe('open')
    await context.close()

    // Every port the daemon listens on (the app, libp2p's WebSocket, the backup peer's) is on loopback (read from /proc: Linux).
    if (process.platform !== 'linux') return
    await waitFor(() => listeningSockets(daemon.proc.ready.pid).length >= 3, 30_000, 'the node and the backup peer to listen')
    const sockets = listeningSockets(daemon.proc.ready.pid)
    expect(sockets.filter(s => !isLoopback(s.host)), JSON.stringify(sockets)).toEqual([])
    expect(sockets.map(s => s.port)).toContain(port)
  } finally {
    await browser.close()
    await other.close()
    rmSync(otherDir, { recursive: true, force: true })
    await daemon.dispose()
  }
})

test('--listen-network opens the libp2p listeners to the network, and the app port stays on loopback', async () => {
  test.skip(process.platform !== 'linux', 'reads the listening sockets from /proc (Linux only)')
  const daemon = await startDaemon(['--listen-network', '--no-window'])
  try {
    const pid = daemon.proc.ready.pid
    await waitFor(() => listeningSockets(pid).filter(s => !isLoopback(s.host)).length >= 2, 30_000, 'the node and the backup peer to listen on the network')
    const sockets = listeningSockets(pid)
    const app = sockets.filter(s => s.port === daemon.port)
    expect(app.length, JSON.stringify(sockets)).toBeGreaterThan(0)
    expect(app.every(s => isLoopback(s.host)), JSON.stringify(sockets)).toBe(true)
  } finally {
    await daemon.dispose()
  }
})
