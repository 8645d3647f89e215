import { execFile } from 'node:child_process'
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir as osHomedir } from 'node:os'
import { dirname, posix } from 'node:path'
import { appPath } from './app-root.ts'
import { StorageFailedError } from '../core/errors.ts'
import { PROGRAM_NAME } from './constants.ts'
import { escapeMarkup } from '../core/escape-markup.ts'

/**
 * Start at login (DESIGN §10): an XDG autostart entry on Linux, a
 * LaunchAgent on macOS, the HKCU `Run` key on Windows. What each platform
 * is given is made by pure functions (tested on any machine); the
 * `setStartAtLogin`/`startsAtLogin` pair applies it to this machine.
 * A login start runs the daemon without a window (`--no-window`): the tray
 * is there, the window opens when asked.
 */

/** The LaunchAgent's label (and its file name, with `.plist`). */
export const LAUNCH_AGENT_LABEL = 'org.cairn.desktop'
/** The value name under the Windows Run key. */
export const WINDOWS_RUN_VALUE = 'Cairn'
export const WINDOWS_RUN_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run'

type Env = Readonly<Record<string, string | undefined>>

/** A command to run: the program and its arguments, never one shell string. */
export interface CommandLine { file: string, args: string[] }

/**
 * The command that starts this desktop app: `$CAIRN_DESKTOP_COMMAND` when
 * the installed launcher sets it (the .deb's /usr/bin/cairn-desktop), else
 * this Node binary on this checkout's launcher. `extra` follows it.
 */
export function launchCommand (env: Env = process.env, extra: string[] = []): string[] {
  const installed = env.CAIRN_DESKTOP_COMMAND
  const base = installed !== undefined && installed !== '' ? [installed] : [process.execPath, appPath('desktop', 'bin', 'cairn-desktop.js')]
  return [...base, ...extra]
}

// ---- Linux: XDG autostart (https://specifications.freedesktop.org/autostart-spec/) ----

/** `$XDG_CONFIG_HOME/autostart/cairn-desktop.desktop` (XDG_CONFIG_HOME defaults to ~/.config; a relative one is ignored). */
export function xdgAutostartPath (env: Env, homedir: string): string {
  const config = env.XDG_CONFIG_HOME
  const base = config !== undefined && posix.isAbsolute(config) ? config : posix.join(homedir, '.config')
  return posix.join(base, 'autostart', `${PROGRAM_NAME}.desktop`)
}

/** Characters that make an Exec argument need quoting (Desktop Entry spec, "The Exec key"), plus `=`. */
const EXEC_RESERVED = /[\s"'\\><~|&;$*?#()`=]/

/** One argument of an Exec key, quoted and escaped as the Desktop Entry spec asks. */
export function desktopExecArg (arg: string): string {
  let out = arg.replaceAll('%', '%%')
  if (arg === '' || EXEC_RESERVED.test(arg)) out = `"${out.replace(/["`$\\]/g, (c) => `\\${c}`)}"`
  // The string-value escape rule applies on top of the quoting rule: a backslash is written twice.
  return out.replaceAll('\\', '\\\\')
}

/** The Exec value of `command`. */
export function desktopExec (command: readonly string[]): string {
  return command.map(desktopExecArg).join(' ')
}

/** The XDG autostart entry that runs `command` at login. */
export function xdgAutostartEntry (command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Cairn',
    'Comment=Private, peer-to-peer file storage: keeps syncing and backing up in the background',
    `Exec=${desktopExec(command)}`,
    `Icon=${PROGRAM_NAME}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    ''
  ].join('\n')
}

// ---- macOS: a LaunchAgent (launchd.plist(5)) ----

export function launchAgentPath (homedir: string): string {
  return posix.join(homedir, 'Library', 'LaunchAgents', `${LAUNCH_AGENT_LABEL}.plist`)
}

/** The LaunchAgent property list that runs `command` at login. */
export function launchAgentPlist (command: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${LAUNCH_AGENT_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...command.map((arg) => `    <string>${escapeMarkup(arg)}</string>`),
    '  </array>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>ProcessType</key>',
    '  <string>Interactive</string>',
    '</dict>',
    '</plist>',
    ''
  ].join('\n')
}

// ---- Windows: the HKCU Run key, through reg.exe ----

/** One argument of a Windows command line, quoted the way CommandLineToArgvW reads it back. */
export function windowsArg (arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg
  // Backslashes are literal except before a quote: double those, then escape the quote.
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`
}

/** The `reg` runs that turn start at login on, off, or ask whether it is on (exit 0 when the value exists). */
export function windowsRunCommands (command: readonly string[]): { add: CommandLine, remove: CommandLine, query: CommandLine } {
  return {
    add: { file: 'reg', args: ['add', WINDOWS_RUN_KEY, '/v', WINDOWS_RUN_VALUE, '/t', 'REG_SZ', '/d', command.map(windowsArg).join(' '), '/f'] },
    remove: { file: 'reg', args: ['delete', WINDOWS_RUN_KEY, '/v', WINDOWS_RUN_VALUE, '/f'] },
    query: { file: 'reg', args: ['query', WINDOWS_RUN_KEY, '/v', WINDOWS_RUN_VALUE] }
  }
}

// ---- This machine ----

/** Runs a command; resolves with its exit code (a missing program counts as failure, not an exception). */
export type RunCommand = (command: CommandLine) => Promise<number>

const runCommand: RunCommand = async ({ file, args }) => await new Promise((resolve) => {
  execFile(file, args, { windowsHide: true }, (err) => {
    resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : 1)
  })
})

export interface AutostartInit {
  platform?: NodeJS.Platform
  env?: Env
  homedir?: string
  /** What starts at login. Default: `launchCommand(env, ['--no-window'])`. */
  command?: string[]
  run?: RunCommand
}

function writeAtomically (file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, text, { mode: 0o644 })
  renameSync(temp, file)
}

function exists (file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** Turns start at login on or off on this machine. */
export async function setStartAtLogin (on: boolean, init: AutostartInit = {}): Promise<void> {
  const platform = init.platform ?? process.platform
  const env = init.env ?? process.env
  const home = init.homedir ?? osHomedir()
  const command = init.command ?? launchCommand(env, ['--no-window'])
  if (platform === 'win32') {
    const { add, remove } = windowsRunCommands(command)
    const code = await (init.run ?? runCommand)(on ? add : remove)
    // Deleting a value that is not there fails; that is "off" all the same.
    if (code !== 0 && on) throw new StorageFailedError(`reg add failed with exit code ${code}`)
    return
  }
  const file = platform === 'darwin' ? launchAgentPath(home) : xdgAutostartPath(env, home)
  if (!on) { rmSync(file, { force: true }); return }
  writeAtomically(file, platform === 'darwin' ? launchAgentPlist(command) : xdgAutostartEntry(command))
}

/** Whether this machine starts the app at login. */
export async function startsAtLogin (init: AutostartInit = {}): Promise<boolean> {
  const platform = init.platform ?? process.platform
  const env = init.env ?? process.env
  const home = init.homedir ?? osHomedir()
  if (platform === 'win32') return await (init.run ?? runCommand)(windowsRunCommands([]).query) === 0
  return exists(platform === 'darwin' ? launchAgentPath(home) : xdgAutostartPath(env, home))
}
