import { TrayUnavailableError } from '../../core/errors.ts'
import { prepareTrayCommand, type TrayCommand } from './tray-binary.ts'
import { loadTrayIcons } from './tray-icons.ts'
import { changedItems, trayMenu, TRAY_ITEM_IDS, type TrayItemId, type TrayMenuItem, type TrayMenuModel } from './tray-menu.ts'
import { startTrayProcess, type WireItem, type WireMenu } from './tray-process.ts'
import type { Tray, TrayInit, TrayStatus } from './tray-types.ts'

export type { Tray, TrayInit, TrayStatus, TrayIconName } from './tray-types.ts'

// The program's own ids for our entries: 1, 2, … in menu order.
const wireId = (id: TrayItemId): number => TRAY_ITEM_IDS.indexOf(id) + 1
const itemOf = (wire: number): TrayItemId | undefined => TRAY_ITEM_IDS[wire - 1]

function wireItem (item: TrayMenuItem): WireItem {
  // '<SEPARATOR>' is how systray2's program spells a separator.
  const title = item.id === 'separator' ? '<SEPARATOR>' : item.title
  return { __id: wireId(item.id), title, tooltip: '', enabled: item.enabled, checked: item.checked, hidden: item.hidden }
}

function wireMenu (model: TrayMenuModel, icons: Record<TrayMenuModel['icon'], string>): WireMenu {
  // No title: it would show as text beside the icon (macOS menu bar, some Linux panels).
  return { icon: icons[model.icon], title: '', tooltip: model.tooltip, items: model.items.map(wireItem) }
}

function hasDisplay (env: NodeJS.ProcessEnv): boolean {
  return (env.DISPLAY ?? '') !== '' || (env.WAYLAND_DISPLAY ?? '') !== ''
}

/** What startTray runs on; tests hand in a fake tray program. */
export interface TrayComponents {
  /** How to run the tray program. */
  command: () => Promise<TrayCommand>
  /** Where to look for a display (DISPLAY, WAYLAND_DISPLAY). */
  env: NodeJS.ProcessEnv
  readyTimeoutMs: number
}

/**
 * Shows Cairn's tray icon and menu (systray2's prebuilt program, DESIGN §10).
 * Rejects with TRAY_UNAVAILABLE when this desktop cannot show one (no
 * display, no app-indicator library, the program failed): the daemon then
 * runs on without a tray. A tray host that is missing altogether (a desktop
 * with no notification area) cannot be told from here: the icon is then
 * simply not seen.
 */
export async function startTray (init: TrayInit): Promise<Tray> {
  return await startTrayWith(init, {})
}

export async function startTrayWith (init: TrayInit, components: Partial<TrayComponents>): Promise<Tray> {
  const { command = prepareTrayCommand, env = process.env, readyTimeoutMs } = components
  if (process.platform === 'linux' && !hasDisplay(env)) {
    throw new TrayUnavailableError('no display to show a tray icon on (DISPLAY and WAYLAND_DISPLAY are unset)')
  }
  const [program, icons] = await Promise.all([command(), loadTrayIcons()])
  let status: TrayStatus = { ...init.status }
  let shown = trayMenu(status)
  const tray = await startTrayProcess({ ...program, menu: wireMenu(shown, icons), ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }) })

  const show = (next: TrayStatus): void => {
    status = { ...next }
    const model = trayMenu(status)
    if (model.icon !== shown.icon || model.tooltip !== shown.tooltip) tray.send({ type: 'update-menu', menu: wireMenu(model, icons) })
    for (const item of changedItems(shown, model)) tray.send({ type: 'update-item', item: wireItem(item), seq_id: -1 })
    shown = model
  }

  tray.onClick((wire) => {
    switch (itemOf(wire)) {
      case 'open': init.onOpen(); break
      case 'quit': init.onQuit(); break
      // A checkbox ticks at once; the daemon's next setStatus has the last word.
      case 'pause': show({ ...status, paused: !status.paused }); init.onPause(status.paused); break
      case 'start-at-login': show({ ...status, startAtLogin: !status.startAtLogin }); init.onStartAtLogin(status.startAtLogin); break
      default: break
    }
  })

  return {
    setStatus: (next) => { show(next) },
    stop: async () => { await tray.stop() }
  }
}
