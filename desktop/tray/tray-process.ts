import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { MenuItem } from 'systray2'
import { TrayUnavailableError } from '../../core/errors.ts'
import type { TrayCommand } from './tray-binary.ts'

/**
 * systray2's program speaks JSON lines: it prints `{"type":"ready"}`, reads
 * the menu as one line, then prints a `clicked` line per click and reads
 * `update-item`, `update-menu` and `exit` lines. Items are known by `__id`.
 * We drive it ourselves rather than through systray2's class, which cannot
 * pass an environment (LD_LIBRARY_PATH), never settles when the program dies
 * before it is ready, leaves its stderr unread (a full pipe would stall the
 * program) and exits Node on `kill()` by default.
 */
export interface WireItem extends MenuItem {
  __id: number
}

export interface WireMenu {
  /** Base64 of a PNG (.ico on Windows). */
  icon: string
  title: string
  tooltip: string
  items: WireItem[]
}

export type TrayAction =
  | { type: 'update-item', item: WireItem, seq_id: -1 }
  | { type: 'update-menu', menu: WireMenu }
  | { type: 'exit' }

export interface TrayProcess {
  pid: number
  send: (action: TrayAction) => void
  /** A click on the item with this `__id`. */
  onClick: (listener: (id: number) => void) => void
  /** The program ended, by `stop()` or on its own. */
  exited: Promise<void>
  stop: () => Promise<void>
}

export interface TrayProcessInit extends TrayCommand {
  menu: WireMenu
  /** How long the program may take to say it is ready. */
  readyTimeoutMs?: number
  /** How long `stop()` waits after `exit` before SIGTERM, and after SIGTERM before SIGKILL. */
  graceMs?: number
}

interface ProtocolLine { type?: unknown, __id?: unknown }

/** Starts the tray program and hands it the menu; rejects with TRAY_UNAVAILABLE when it cannot start. */
export async function startTrayProcess (init: TrayProcessInit): Promise<TrayProcess> {
  const { readyTimeoutMs = 10_000, graceMs = 3_000 } = init
  const child = spawn(init.command, init.args ?? [], { env: init.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true })
  // Keep the last lines of stderr: they say why a program that failed did (a missing library, no display).
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-4_000) })
  child.stdin.on('error', () => { /* the program is gone; `exited` tells */ })
  const exited = new Promise<void>(resolve => { child.once('close', () => { resolve() }) })
  const clickListeners: Array<(id: number) => void> = []
  const lines = createInterface({ input: child.stdout })
  const why = (): string => stderr.trim().split('\n').filter(line => line.trim() !== '').slice(-3).join(' / ')

  const write = (message: unknown): void => {
    if (child.exitCode === null && child.signalCode === null && child.stdin.writable) child.stdin.write(JSON.stringify(message) + '\n')
  }

  await new Promise<void>((resolve, reject) => {
    let settled = false
    const fail = (message: string, cause?: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new TrayUnavailableError(message, cause === undefined ? undefined : { cause }))
    }
    const timer = setTimeout(() => { fail(`the tray program was not ready within ${readyTimeoutMs} ms${stderr === '' ? '' : `: ${why()}`}`) }, readyTimeoutMs)
    child.once('error', (err) => { fail(`the tray program could not start: ${err.message}`, err) })
    // 'close', not 'exit': by then stderr has been read to its end.
    child.once('close', (code, signal) => { fail(`the tray program ended before it was ready (${signal ?? `exit code ${code}`})${stderr === '' ? '' : `: ${why()}`}`) })
    lines.on('line', (text) => {
      let line: ProtocolLine
      try {
        line = JSON.parse(text) as ProtocolLine
      } catch {
        return // the program prints a bare "Quit" on SIGTERM
      }
      if (line.type === 'ready' && !settled) {
        settled = true
        clearTimeout(timer)
        write(init.menu)
        resolve()
      } else if (line.type === 'clicked' && typeof line.__id === 'number') {
        for (const listener of clickListeners) listener(line.__id)
      }
    })
  })

  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return await exited
      write({ type: 'exit' })
      const term = setTimeout(() => { child.kill('SIGTERM') }, graceMs)
      const kill = setTimeout(() => { child.kill('SIGKILL') }, 2 * graceMs)
      await exited
      clearTimeout(term)
      clearTimeout(kill)
    })()
    await stopping
  }

  return {
    pid: child.pid ?? -1,
    send: write,
    onClick: (listener) => { clickListeners.push(listener) },
    exited,
    stop
  }
}
