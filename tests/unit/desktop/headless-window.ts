import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppWindow, type AppWindow } from '../../../desktop/app-window.ts'

export const CHROMIUM = '/usr/bin/chromium'

/** A data folder, an app window on headless Chromium, and a loopback server that records the paths the window asked for. */
export interface HeadlessWindow { dir: string, origin: string, seen: string[], window: AppWindow, dispose: () => Promise<void> }

export async function headlessWindow (prefix: string): Promise<HeadlessWindow> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const seen: string[] = []
  const server = createServer((req, res) => { seen.push(req.url ?? ''); res.end('<title>Cairn</title>') })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  const origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  // Headless in a test; the daemon's own window is a real one. --no-sandbox: CI runs as root.
  const env = { ...process.env, CAIRN_DESKTOP_BROWSER: CHROMIUM, CAIRN_DESKTOP_BROWSER_ARGS: '--headless --no-sandbox --disable-gpu' }
  const window = createAppWindow({ dataDir: dir, env })
  return {
    dir,
    origin,
    seen,
    window,
    dispose: async () => {
      await window.close()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
      await rm(dir, { recursive: true, force: true })
    }
  }
}
