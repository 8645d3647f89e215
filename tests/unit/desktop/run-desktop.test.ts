import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { readDesktopConfig } from '../../../desktop/desktop-config.ts'
import { runDesktop, type RunDesktopInit } from '../../../desktop/run-desktop.ts'
import { instanceSocketPath } from '../../../desktop/single-instance.ts'
import { waitFor } from '../support/polling.ts'

type Started = Parameters<RunDesktopInit['start']>[0]

/** A fake daemon and the calls it saw; `requestStop` stands for SIGTERM. */
function fakeDaemon (): { init: RunDesktopInit, started: Started[], opened: () => number, stopped: () => number, requestStop: () => void, said: string[] } {
  const started: Started[] = []
  const said: string[] = []
  let opened = 0
  let stopped = 0
  let handler: (() => void) | undefined
  return {
    started,
    said,
    opened: () => opened,
    stopped: () => stopped,
    requestStop: () => { handler?.() },
    init: {
      start: async (options) => {
        started.push(options)
        return { origin: `http://127.0.0.1:${options.port}`, openWindow: async () => { opened++ }, stop: async () => { stopped++ } }
      },
      distDir: '/app/dist',
      onStopRequest: (h) => { handler = h },
      say: (line) => { said.push(line) },
      warn: (line) => { said.push(`warn: ${line}`) }
    }
  }
}

describe('cairn-desktop run', () => {
  it('starts the daemon on the kept port; a second launch opens its window and exits 0; SIGTERM stops it with 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-run-'))
    try {
      const first = fakeDaemon()
      const args = { dataDir: join(dir, 'data'), openWindow: true, listenNetwork: false, relays: [] }
      const running = runDesktop({ ...args, port: 47_650 }, first.init)
      await waitFor(() => first.started.length === 1, 10_000, 'the daemon to start')
      const { onQuit, ...options } = first.started[0]!
      assert.deepEqual(options, { ...args, port: 47_650, distDir: '/app/dist' })
      assert.equal(typeof onQuit, 'function', 'the tray\'s Quit is wired to the run')
      assert.equal(readDesktopConfig(args.dataDir)?.port, 47_650, 'the first launch keeps its port')

      const second = fakeDaemon()
      assert.equal(await runDesktop({ ...args, port: 1234 }, second.init), 0)
      assert.equal(second.started.length, 0, 'the second never starts a daemon')
      assert.match(second.said.join('\n'), /already running/)
      await waitFor(() => first.opened() === 1, 10_000, 'the first to open its window')

      const quiet = fakeDaemon()
      assert.equal(await runDesktop({ ...args, openWindow: false }, quiet.init), 0)
      assert.equal(first.opened(), 1, '--no-window does not open the running one\'s window')

      first.requestStop()
      assert.equal(await running, 0)
      assert.equal(first.stopped(), 1)

      // The next launch is the instance again, on the port kept.
      const again = fakeDaemon()
      const next = runDesktop(args, again.init)
      await waitFor(() => again.started.length === 1, 10_000, 'the next daemon to start')
      assert.equal(again.started[0]?.port, 47_650)
      again.requestStop()
      assert.equal(await next, 0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('Quit in the tray ends the run like SIGTERM: the daemon stops, the one-instance socket closes, exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-run-'))
    try {
      const args = { dataDir: join(dir, 'data'), openWindow: false, listenNetwork: false, relays: [] }
      const first = fakeDaemon()
      const running = runDesktop(args, first.init)
      await waitFor(() => first.started.length === 1, 10_000, 'the daemon to start')
      const socket = instanceSocketPath(args.dataDir)
      assert.equal(existsSync(socket), true)
      first.started[0]!.onQuit!()
      assert.equal(await running, 0)
      assert.equal(first.stopped(), 1)
      assert.equal(existsSync(socket), false, 'no socket file is left behind')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
