import { execFile } from 'node:child_process'
import type { Log } from '../../core/log.ts'
import type { Notice } from '../../core/rpc/api.ts'

/** The program and arguments that show one notice on a platform; text only ever travels as argv or env. */
export interface NotifyCommand { file: string, args: string[], env?: Record<string, string> }

export interface SystemNotifierInit {
  log: Log
  /** Defaults to this process's platform. */
  platform?: NodeJS.Platform
  /** A PNG shown beside the notice where the platform takes one (Linux). */
  iconPath?: string
  /** The environment the tool runs in (PATH finds it); defaults to this process's. */
  env?: NodeJS.ProcessEnv
}

/** Shows the daemon's notices as system notifications; `show` never throws. */
export interface SystemNotifier {
  show: (notice: Notice) => Promise<void>
}

const APP_NAME = 'Cairn'

/*
 * Windows: a toast through the WinRT API PowerShell can reach, attributed to
 * PowerShell's own app id (an app of ours would need a Start-menu shortcut).
 * The words come from the environment and go into the XML as text nodes, so
 * nothing in them is read as script or markup. Best effort.
 */
const WINDOWS_TOAST = [
  '$ErrorActionPreference = "Stop"',
  '[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null',
  '$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)',
  '$texts = $xml.GetElementsByTagName("text")',
  '$texts.Item(0).AppendChild($xml.CreateTextNode($env:CAIRN_NOTICE_TITLE)) > $null',
  '$texts.Item(1).AppendChild($xml.CreateTextNode($env:CAIRN_NOTICE_BODY)) > $null',
  '$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)',
  '$toast.Tag = $env:CAIRN_NOTICE_TAG.Substring(0, [Math]::Min(64, $env:CAIRN_NOTICE_TAG.Length))',
  '[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe").Show($toast)'
].join('; ')

/** The command for one notice, or undefined where we know of none. */
export function notifyCommand (notice: Notice, platform: NodeJS.Platform, iconPath?: string): NotifyCommand | undefined {
  if (platform === 'darwin') {
    // The words are the script's argv, never part of its text (AppleScript quoting is not ours to get right).
    return {
      file: 'osascript',
      args: ['-e', 'on run argv', '-e', 'display notification (item 2 of argv) with title (item 1 of argv)', '-e', 'end run', notice.title, notice.body]
    }
  }
  if (platform === 'win32') {
    return {
      file: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WINDOWS_TOAST],
      env: { CAIRN_NOTICE_TITLE: notice.title, CAIRN_NOTICE_BODY: notice.body, CAIRN_NOTICE_TAG: notice.id }
    }
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    // libnotify's notify-send; `--` so a title that starts with '-' is not read as an option.
    const icon = iconPath !== undefined ? [`--icon=${iconPath}`] : []
    return { file: 'notify-send', args: [`--app-name=${APP_NAME}`, ...icon, '--', notice.title, notice.body] }
  }
  return undefined
}

/**
 * System notifications for the desktop daemon (issue 11): the daemon passes
 * each 'notice' event to `show`. A missing tool (no libnotify-bin, say) is
 * logged once and then left alone; the app works the same without it.
 */
export function createSystemNotifier (init: SystemNotifierInit): SystemNotifier {
  const platform = init.platform ?? process.platform
  let missing = false
  return {
    show: async (notice) => {
      if (missing) return
      const command = notifyCommand(notice, platform, init.iconPath)
      if (command === undefined) {
        missing = true
        init.log.info(`no system notifications on ${platform}`)
        return
      }
      const env = { ...(init.env ?? process.env), ...command.env }
      await new Promise<void>((resolve) => {
        // execFile: no shell between us and the tool, so the words cannot become commands.
        execFile(command.file, command.args, { env, timeout: 10_000, windowsHide: true }, (err) => {
          if (err !== null) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
              missing = true
              init.log.warn(`${command.file} not found: system notifications are off (on Linux, install libnotify-bin)`)
            } else {
              // Not err.message: it repeats the argv, and file names stay out of logs.
              init.log.debug(`${command.file} failed (${String((err as NodeJS.ErrnoException).code ?? err.signal ?? 'error')})`)
            }
          }
          resolve()
        })
      })
    }
  }
}
