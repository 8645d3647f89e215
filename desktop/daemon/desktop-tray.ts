import type { Log } from '../../core/log.ts'
import type { VaultNode } from '../../core/node/vault-node.ts'
import { toErrorPayload } from '../../core/errors.ts'
import type { EventMessage } from '../../core/rpc/messages.ts'
import { startTray, type Tray } from '../tray/tray.ts'
import { launchCommand, setStartAtLogin, startsAtLogin, type AutostartInit } from '../autostart.ts'
import { trayStateOf } from './tray-status.ts'

export interface DesktopTrayInit {
  dataDir: string
  /** `--relay` and `--share-origin` of this run: a start at login is given them too. */
  relays?: string[]
  shareOrigin?: string
  node: () => VaultNode | undefined
  subscribe: (listener: (message: EventMessage) => void) => () => void
  openWindow: () => Promise<void>
  quit: () => void
  log: Log
  /** Tests: a stand-in tray, and where start at login is written. */
  showTray?: typeof startTray
  autostart?: AutostartInit
}

/**
 * The command that starts this same Cairn at login, without a window: its data
 * folder (else a start at login opened another, empty vault on the default
 * folder) and the options this run was given that are kept nowhere else.
 */
export function loginCommand (init: Pick<DesktopTrayInit, 'dataDir' | 'relays' | 'shareOrigin'>, env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return launchCommand(env, [
    '--no-window',
    '--data-dir', init.dataDir,
    ...(init.relays ?? []).flatMap((relay) => ['--relay', relay]),
    ...(init.shareOrigin !== undefined ? ['--share-origin', init.shareOrigin] : [])
  ])
}

/** How often the status line may change while events pour in (an upload of many files). */
const STATUS_DELAY_MS = 500

/**
 * The tray icon, kept in step with the node: its status line and icon follow
 * the node's events; Pause, Start at login, Open and Quit act on the daemon.
 * Without a tray host (a server, a desktop without one) the daemon runs on
 * without it and says so once.
 */
export async function startDesktopTray (init: DesktopTrayInit): Promise<{ stop: () => Promise<void> } | undefined> {
  let paused = false
  const autostart = init.autostart ?? {}
  let atLogin = await startsAtLogin(autostart).catch(() => false)
  const status = (): Parameters<Tray['setStatus']>[0] => ({ ...trayStateOf(init.node(), paused), paused, startAtLogin: atLogin })
  let tray: Tray
  try {
    tray = await (init.showTray ?? startTray)({
      status: status(),
      onOpen: () => { void init.openWindow().catch((err: unknown) => { init.log.warn(`could not open the app window: ${toErrorPayload(err).message}`) }) },
      onQuit: init.quit,
      onPause: (next) => {
        paused = next
        init.node()?.setPaused(next)
        tray.setStatus(status())
      },
      onStartAtLogin: (on) => {
        void setStartAtLogin(on, { ...autostart, command: loginCommand(init, autostart.env) }).then(() => { atLogin = on }, (err: unknown) => {
          init.log.warn(`could not change "Start at login": ${toErrorPayload(err).message}`)
        }).finally(() => { tray.setStatus(status()) })
      }
    })
  } catch (err) {
    init.log.warn(`no tray icon: ${toErrorPayload(err).message}. Cairn keeps running; open the app at its address.`)
    return undefined
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const unsubscribe = init.subscribe((message) => {
    if (message.event === 'log' || timer !== undefined) return
    timer = setTimeout(() => { timer = undefined; tray.setStatus(status()) }, STATUS_DELAY_MS)
  })
  // The first status once the node has started, and a slow refresh for what has no event (a peer gone quiet).
  const refresh = setInterval(() => { tray.setStatus(status()) }, 30_000)
  tray.setStatus(status())
  return {
    stop: async () => {
      unsubscribe()
      clearInterval(refresh)
      if (timer !== undefined) clearTimeout(timer)
      await tray.stop()
    }
  }
}
