import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from './support/fixtures.ts'
import { serveDirectory } from './support/static-server.ts'
import { serveApp } from '../../scripts/serve-app.ts'
import { CairnApp } from './support/cairn-app.ts'
import { startDesktopNode } from './support/desktop-node.ts'
import { WrongPassphraseError } from '../../core/errors.ts'
import type { Log } from '../../core/log.ts'
import type { HandlerMap } from '../../core/rpc/handlers.ts'
import type { MethodName } from '../../core/rpc/api.ts'
import { LEADER_LOCK } from '../../core/rpc/node-port-messages.ts'
import type { VaultService } from '../../core/vault/vault-service.ts'
import { startAppServer, type AppServer } from '../../desktop/server/app-server.ts'

/*
 * The desktop app's window: the built PWA served by the daemon's app server
 * (desktop/server/app-server.ts), its RPC over the loopback WebSocket. The
 * first test runs the daemon's real node (core/node/vault-node.ts on disk
 * stores); the others a small stand-in (a locked vault that knows one file).
 */

const LOCKED = { state: 'locked', autoLockMinutes: 15 } as const
const HELLO = 'hello from the daemon'

interface StandIn { server: AppServer, calls: MethodName[], logged: string[] }

async function startStandIn (port = 0): Promise<StandIn> {
  const calls: MethodName[] = []
  const logged: string[] = []
  const handlers: Partial<HandlerMap> = {
    'vault.status': async () => LOCKED,
    'vault.unlock': async () => { throw new WrongPassphraseError() }
  }
  const counted = new Proxy(handlers, { get: (target, method: MethodName) => { calls.push(method); return target[method] } }) as HandlerMap
  const vault = {
    status: () => LOCKED,
    files: () => ({
      reader: (fileId: string) => ({
        info: { fileId, path: 'notes/hello.txt', size: HELLO.length, type: 'text/plain', mtime: 0, cid: 'x' },
        read: () => new Blob([HELLO]).stream()
      })
    })
  } as unknown as VaultService
  const log: Log = { debug: () => {}, info: () => {}, warn: (line) => { logged.push(line) }, error: (line) => { logged.push(line) } }
  const server = await startAppServer({ distDir: 'dist', host: '127.0.0.1', port, node: Promise.resolve({ handlers: counted, vault }), subscribe: () => () => {}, log })
  return { server, calls, logged }
}

test('in the desktop window a vault is created, a file added and downloaded again, all through the daemon\'s node', async ({ profile, files }) => {
  const desktop = await startDesktopNode()
  try {
    const page = await profile.context.newPage()
    await page.goto(desktop.server.launchUrl())
    const app = new CairnApp(page)
    await app.createVault('a long and quiet desktop passphrase')
    const file = files.make('report.bin', 5 * 1024 * 1024 + 321)
    await app.addFiles([file.path])
    await app.expectListed(['report.bin'])
    expect(await app.downloadSha256('report.bin')).toBe(file.sha256)
    // All of it without a service worker or the browser's node worker.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0)
    expect(await page.evaluate(async (name) => (await navigator.locks.query()).held?.some(lock => lock.name === name) ?? false, LEADER_LOCK)).toBe(false)
  } finally {
    await desktop.stop()
  }
})

test('the desktop window talks to the daemon over its socket: no service worker, no node worker, the status and errors come from the daemon', async ({ profile }) => {
  const { server, calls, logged } = await startStandIn()
  const elsewhere = await mkdtemp(join(tmpdir(), 'cairn-elsewhere-'))
  await writeFile(join(elsewhere, 'index.html'), '<!doctype html><title>Another site</title>')
  const other = await serveDirectory(elsewhere)
  try {
    const page = await profile.context.newPage()
    await page.goto(server.launchUrl())
    expect(new URL(page.url()).search).toBe('')

    // The vault status came from the daemon's node: a locked vault, in a profile that never had one.
    await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible()
    expect(calls).toContain('vault.status')
    await page.getByLabel('Passphrase').fill('not the passphrase')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect(page.getByText("That passphrase doesn't open this vault.")).toBeVisible()
    expect(calls).toContain('vault.unlock')

    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0)
    expect(await page.evaluate(async (name) => (await navigator.locks.query()).held?.some(lock => lock.name === name) ?? false, LEADER_LOCK)).toBe(false)
    // Downloads are the daemon's own HTTP answers, with the window's cookie.
    expect(await page.evaluate(async () => await (await fetch('/download/f1')).text())).toBe(HELLO)

    // A page of another origin on this machine (it even gets the cookie: same site) cannot open the socket.
    const stranger = await profile.context.newPage()
    await stranger.goto(other.url)
    const outcome = await stranger.evaluate(async (url) => await new Promise<string>((resolve) => {
      const socket = new WebSocket(url)
      socket.onopen = () => { resolve('opened'); socket.close() }
      socket.onclose = () => { resolve('refused') }
    }), `${server.origin.replace(/^http/, 'ws')}/rpc`)
    expect(outcome).toBe('refused')
    expect(logged.some(line => line.includes(`origin ${other.url}`))).toBe(true)

    // A window opened by hand (no launch secret) says how to open Cairn.
    await profile.context.clearCookies()
    const byHand = await profile.context.newPage()
    await byHand.goto(server.origin)
    await expect(byHand.getByText('Open Cairn from its tray icon or run cairn-desktop.')).toBeVisible()
  } finally {
    await other.close()
    await server.close()
    await rm(elsewhere, { recursive: true, force: true })
  }
})

test('a service worker that Cairn in a browser tab left at the same address goes, and the window gets the daemon\'s app', async ({ profile }) => {
  // Cairn in the browser first, at the address the daemon takes next.
  const probe = await startStandIn()
  const port = Number(new URL(probe.server.origin).port)
  await probe.server.close()
  const browserApp = await serveApp({ port, host: '127.0.0.1', strictPort: true })
  const page = await profile.context.newPage()
  await page.goto(browserApp.url)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  await browserApp.close()

  const { server } = await startStandIn(port)
  try {
    await page.goto(server.launchUrl())
    // The daemon's page (a locked vault), whatever the old worker had precached, and no worker left.
    await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible()
    await expect.poll(async () => await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0)
    await expect(page.locator('meta[name="cairn-host"]')).toHaveAttribute('content', 'desktop')
  } finally {
    await server.close()
  }
})
