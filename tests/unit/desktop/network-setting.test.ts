import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadDesktopConfig, readDesktopConfig } from '../../../desktop/desktop-config.ts'
import { createNetworkSettingHandlers } from '../../../desktop/daemon/network-setting.ts'
import { runDesktop } from '../../../desktop/run-desktop.ts'
import { notOnThisHostHandlers } from '../../../core/node/desktop-only-handlers.ts'
import { isCairnError } from '../../../core/errors.ts'
import type { DesktopOptions } from '../../../desktop/daemon/desktop-types.ts'

test('"Accept connections from my network": off by default, saved when turned on, and the next start listens on the network', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-net-'))
  try {
    await loadDesktopConfig(dir, { port: 47_321 })
    const handlers = createNetworkSettingHandlers(dir, false)
    assert.deepEqual(await handlers['desktop.network'](undefined), { acceptFromNetwork: false, acceptingNow: false })
    assert.deepEqual(await handlers['desktop.setNetwork']({ acceptFromNetwork: true }), { acceptFromNetwork: true, acceptingNow: false }, 'saved; this run still listens on loopback')
    assert.equal(readDesktopConfig(dir)?.listenNetwork, true)
    assert.equal(readDesktopConfig(dir)?.port, 47_321, 'the kept port is untouched')

    // The next start takes the saved choice without --listen-network.
    const started: DesktopOptions[] = []
    let stop: () => void = () => {}
    const run = runDesktop({ dataDir: dir, openWindow: false, listenNetwork: false, relays: [] }, {
      start: async (options) => { started.push(options); setImmediate(() => { stop() }); return { origin: 'http://127.0.0.1:47321', openWindow: async () => {}, stop: async () => {} } },
      distDir: '/app/dist',
      onStopRequest: (handler) => { stop = handler },
      say: () => {},
      warn: () => {}
    })
    assert.equal(await run, 0)
    assert.equal(started[0]?.listenNetwork, true)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('a browser has no such setting: null, and turning it on is refused with DESKTOP_ONLY', async () => {
  const handlers = notOnThisHostHandlers()
  assert.equal(await handlers['desktop.network'](undefined), null)
  await assert.rejects(handlers['desktop.setNetwork']({ acceptFromNetwork: true }), (err: unknown) => isCairnError(err, 'DESKTOP_ONLY'))
})
