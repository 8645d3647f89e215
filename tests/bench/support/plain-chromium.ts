import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, DEBIAN_CHROMIUM } from '../../e2e/support/browser.ts'
import { CdpConnection } from './cdp-connection.ts'

/** A Chromium the bench started itself, and its debugging connection. */
export interface PlainChromium {
  cdp: CdpConnection
  userDataDir: string
  close: () => Promise<void>
}

const START_TIMEOUT_MS = 60_000

/**
 * Chromium started by hand (the same binary and flags as the e2e tests, a
 * fresh profile) and driven over its own debugging port, with no Playwright
 * attached. Playwright enables the Network domain on every page and worker,
 * and then Chromium copies every WebSocket frame the worker sends or
 * receives into a base64 DevTools event for the test driver: that halved
 * the browser's transfer figures (tests/bench/README.md, "Seventh round").
 * A user's browser has no DevTools attached, so the figures that move bytes
 * run here.
 */
export async function launchPlainChromium (): Promise<PlainChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cairn-bench-plain-'))
  const executable = process.env.CAIRN_CHROMIUM ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : chromium.executablePath())
  const child = spawn(executable, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  try {
    const url = await debuggingUrl(userDataDir, child, () => stderr)
    const cdp = await CdpConnection.open(url)
    return {
      cdp,
      userDataDir,
      close: async () => {
        await cdp.send('Browser.close').catch(() => {})
        cdp.close()
        await stopped(child, exited)
        rmSync(userDataDir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    child.kill()
    await stopped(child, exited)
    rmSync(userDataDir, { recursive: true, force: true })
    throw err
  }
}

/** Chromium writes its debugging port and path to `DevToolsActivePort` in the profile once it listens. */
async function debuggingUrl (userDataDir: string, child: ChildProcess, stderr: () => string): Promise<string> {
  const file = join(userDataDir, 'DevToolsActivePort')
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Chromium exited (${child.exitCode}) before it listened:\n${stderr()}`)
    if (existsSync(file)) {
      const [port, path] = readFileSync(file, 'utf8').split('\n')
      if (port !== undefined && path !== undefined && path !== '') return `ws://127.0.0.1:${port}${path}`
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`Chromium did not open its debugging port within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`)
}

async function stopped (child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const timer = setTimeout(() => { child.kill('SIGKILL') }, 10_000)
  await exited
  clearTimeout(timer)
}
