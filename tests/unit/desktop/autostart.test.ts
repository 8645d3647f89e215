import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  desktopExec, launchAgentPath, launchAgentPlist, launchCommand, setStartAtLogin, startsAtLogin, windowsArg, windowsRunCommands,
  xdgAutostartEntry, xdgAutostartPath, type CommandLine
} from '../../../desktop/autostart.ts'

const COMMAND = ['/opt/node 22/bin/node', '/home/ann/cairn/desktop/bin/cairn-desktop.js', '--no-window']

/** desktop-file-validate's verdict on `text`, or undefined where the tool is not installed. */
async function validate (text: string): Promise<{ ok: boolean, output: string } | undefined> {
  if (spawnSync('desktop-file-validate', ['--help']).error !== undefined) return undefined
  const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-validate-'))
  try {
    const file = join(dir, 'cairn-desktop.desktop')
    await writeFile(file, text)
    const run = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' })
    return { ok: run.status === 0 && run.stdout.trim() === '', output: run.stdout + run.stderr }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('start at login', () => {
  it('Linux: an XDG autostart entry that desktop-file-validate accepts', async (t) => {
    assert.equal(xdgAutostartPath({}, '/home/ann'), '/home/ann/.config/autostart/cairn-desktop.desktop')
    assert.equal(xdgAutostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann'), '/cfg/autostart/cairn-desktop.desktop')
    const entry = xdgAutostartEntry(COMMAND)
    assert.match(entry, /^\[Desktop Entry\]\n/)
    assert.match(entry, /\nExec="\/opt\/node 22\/bin\/node" \/home\/ann\/cairn\/desktop\/bin\/cairn-desktop\.js --no-window\n/)
    assert.match(entry, /\nName=Cairn\n/)
    const verdict = await validate(entry)
    if (verdict === undefined) { t.skip('desktop-file-validate is not installed (Debian: desktop-file-utils)'); return }
    assert.ok(verdict.ok, verdict.output)
    const awkward = await validate(xdgAutostartEntry(['/home/a "b"/$x\\y', '--data-dir=/p 100%']))
    assert.ok(awkward?.ok, awkward?.output ?? '')
  })

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    assert.equal(desktopExec(['/usr/bin/cairn-desktop', '--no-window']), '/usr/bin/cairn-desktop --no-window')
    assert.equal(desktopExec(['/a b/node']), '"/a b/node"')
    // Inside quotes ", `, $ and \ are escaped; then every backslash is doubled by the string rule.
    assert.equal(desktopExec(['a"b']), '"a\\\\"b"')
    assert.equal(desktopExec(['$HOME']), '"\\\\$HOME"')
    assert.equal(desktopExec(['100%']), '100%%')
    assert.equal(desktopExec(['']), '""')
  })

  it('macOS: a LaunchAgent that runs the command at load', () => {
    assert.equal(launchAgentPath('/Users/ann'), '/Users/ann/Library/LaunchAgents/org.cairn.desktop.plist')
    const plist = launchAgentPlist(['/Applications/Cairn & Co/node', '<x>'])
    assert.match(plist, /<key>Label<\/key>\n {2}<string>org\.cairn\.desktop<\/string>/)
    assert.match(plist, /<array>\n {4}<string>\/Applications\/Cairn &amp; Co\/node<\/string>\n {4}<string>&lt;x&gt;<\/string>\n {2}<\/array>/)
    assert.match(plist, /<key>RunAtLoad<\/key>\n {2}<true\/>/)
    const lint = spawnSync('xmllint', ['--noout', '-'], { input: plist, encoding: 'utf8' })
    if (lint.error === undefined) assert.equal(lint.status, 0, lint.stderr)
  })

  it('Windows: reg add/delete/query on the HKCU Run key', async () => {
    const commands = windowsRunCommands(['C:\\Program Files\\Cairn\\node.exe', 'C:\\Cairn\\cairn-desktop.js', '--no-window'])
    const key = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run'
    assert.deepEqual(commands.add, { file: 'reg', args: ['add', key, '/v', 'Cairn', '/t', 'REG_SZ', '/d', '"C:\\Program Files\\Cairn\\node.exe" C:\\Cairn\\cairn-desktop.js --no-window', '/f'] })
    assert.deepEqual(commands.remove, { file: 'reg', args: ['delete', key, '/v', 'Cairn', '/f'] })
    assert.deepEqual(commands.query, { file: 'reg', args: ['query', key, '/v', 'Cairn'] })
    assert.equal(windowsArg('C:\\a b\\'), '"C:\\a b\\\\"', 'a trailing backslash before the closing quote is doubled')
    assert.equal(windowsArg('say "hi"'), '"say \\"hi\\""')

    const ran: CommandLine[] = []
    const values = new Set<string>()
    const run = async (command: CommandLine): Promise<number> => {
      ran.push(command)
      if (command.args[0] === 'add') { values.add('Cairn'); return 0 }
      if (command.args[0] === 'delete') return values.delete('Cairn') ? 0 : 1
      return values.has('Cairn') ? 0 : 1
    }
    const init = { platform: 'win32' as const, env: {}, homedir: 'C:\\Users\\ann', command: ['C:\\c.exe'], run }
    assert.equal(await startsAtLogin(init), false)
    await setStartAtLogin(true, init)
    assert.equal(await startsAtLogin(init), true)
    await setStartAtLogin(false, init)
    await setStartAtLogin(false, init)
    assert.equal(await startsAtLogin(init), false)
    assert.deepEqual(ran.map((c) => c.args[0]), ['query', 'add', 'query', 'delete', 'delete', 'query'])
  })

  it('turns on and off for real on Linux, in a temp XDG_CONFIG_HOME', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-autostart-'))
    try {
      const init = { platform: 'linux' as const, env: { XDG_CONFIG_HOME: join(dir, 'config') }, homedir: join(dir, 'home') }
      assert.equal(await startsAtLogin(init), false)
      await setStartAtLogin(true, init)
      assert.equal(await startsAtLogin(init), true)
      const file = join(dir, 'config', 'autostart', 'cairn-desktop.desktop')
      const text = await readFile(file, 'utf8')
      assert.equal(text, xdgAutostartEntry(launchCommand(init.env, ['--no-window'])))
      assert.match(text, /cairn-desktop\.js --no-window\n/)
      await setStartAtLogin(false, init)
      assert.equal(await startsAtLogin(init), false)
      await setStartAtLogin(false, init)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('starts the installed launcher when the package names it', () => {
    assert.deepEqual(launchCommand({ CAIRN_DESKTOP_COMMAND: '/usr/bin/cairn-desktop' }, ['--no-window']), ['/usr/bin/cairn-desktop', '--no-window'])
    const [node, bin] = launchCommand({})
    assert.equal(node, process.execPath)
    assert.match(bin ?? '', /desktop\/bin\/cairn-desktop\.js$/)
  })
})
