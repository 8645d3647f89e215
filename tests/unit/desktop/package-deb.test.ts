import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { CAIRN_VERSION } from '../../../relay-server/shared/version.ts'
import { buildDeb, type BuiltDeb } from '../../../scripts/deb/build-deb.ts'
import { controlFile, launcherScript, menuEntry } from '../../../scripts/deb/deb-files.ts'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

function has (program: string): boolean {
  return spawnSync(program, ['--version']).error === undefined
}

function sh (command: string, args: string[]): { status: number | null, stdout: string, stderr: string } {
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('the Debian package', () => {
  it('has a control file, a launcher and a menu entry that say the right things', () => {
    const control = controlFile({ version: '1.2.3', installedSizeKiB: 42 })
    assert.match(control, /^Package: cairn-desktop\nVersion: 1\.2\.3\nArchitecture: amd64\n/)
    assert.match(control, /\nDepends: [^\n]*libayatana-appindicator3-1/)
    assert.match(control, /\nRecommends: chromium\n/)
    assert.match(control, /\nInstalled-Size: 42\n/)
    assert.equal(launcherScript().split('\n').at(-2), 'exec /usr/lib/cairn-desktop/bin/node /usr/lib/cairn-desktop/desktop/bin/cairn-desktop.js "$@"')
    assert.match(menuEntry(), /\nName=Cairn\n[\s\S]*\nExec=cairn-desktop\nIcon=cairn-desktop\n[\s\S]*\nCategories=Utility;FileTools;\n/)
  })

  it('builds a .deb holding Node.js, the app, its sources and modules; the launcher validates and runs', async (t) => {
    if (!has('dpkg-deb')) { t.skip('dpkg-deb is not installed (Debian: dpkg-dev)'); return }
    const out = await mkdtemp(join(tmpdir(), 'cairn-deb-test-'))
    try {
      const built: BuiltDeb = buildDeb({ root: ROOT, outDir: out })
      t.diagnostic(`${built.file}: ${(built.bytes / 2 ** 20).toFixed(1)} MiB in ${built.seconds.toFixed(1)} s`)
      assert.equal(built.file, join(out, `cairn-desktop_${CAIRN_VERSION}_amd64.deb`))

      const info = sh('dpkg-deb', ['-I', built.file])
      assert.equal(info.status, 0, info.stderr)
      assert.match(info.stdout, new RegExp(`Version: ${CAIRN_VERSION.replaceAll('.', '\\.')}\\n`))
      assert.match(info.stdout, /Depends: [^\n]*libayatana-appindicator3-1/)

      const listing = sh('dpkg-deb', ['-c', built.file])
      assert.equal(listing.status, 0, listing.stderr)
      const entries = new Map(listing.stdout.split('\n').filter((line) => line !== '').map((line) => {
        const fields = line.split(/\s+/)
        return [fields.slice(5).join(' ').replace(/^\./, ''), { mode: fields[0] ?? '', owner: fields[1] ?? '' }]
      }))
      for (const [path, mode] of [
        ['/usr/bin/cairn-desktop', '-rwxr-xr-x'],
        ['/usr/lib/cairn-desktop/bin/node', '-rwxr-xr-x'],
        ['/usr/lib/cairn-desktop/desktop/bin/cairn-desktop.js', '-rwxr-xr-x'],
        ['/usr/lib/cairn-desktop/desktop/main.ts', '-rw-r--r--'],
        // The one-file build the launcher starts fast from.
        ['/usr/lib/cairn-desktop/desktop/bundle/cairn-desktop.mjs', '-rw-r--r--'],
        ['/usr/lib/cairn-desktop/package.json', '-rw-r--r--'],
        ['/usr/lib/cairn-desktop/dist/index.html', '-rw-r--r--'],
        ['/usr/lib/cairn-desktop/node_modules/tsx/package.json', '-rw-r--r--'],
        ['/usr/lib/cairn-desktop/node_modules/libp2p/package.json', '-rw-r--r--'],
        // npm ships it without its run bit; the package has it.
        ['/usr/lib/cairn-desktop/node_modules/systray2/traybin/tray_linux_release', '-rwxr-xr-x'],
        ['/usr/share/applications/cairn-desktop.desktop', '-rw-r--r--'],
        ['/usr/share/icons/hicolor/192x192/apps/cairn-desktop.png', '-rw-r--r--'],
        ['/usr/share/icons/hicolor/512x512/apps/cairn-desktop.png', '-rw-r--r--']
      ] as const) assert.equal(entries.get(path)?.mode, mode, path)
      assert.ok([...entries.values()].every((entry) => entry.owner === 'root/root'), 'every file belongs to root')
      const paths = [...entries.keys()]
      assert.ok(!paths.some((path) => path.includes('/node_modules/typescript/') || path.includes('/node_modules/vite/') || path.includes('/node_modules/react-native/')), 'no development or peer-only packages')
      assert.ok(!paths.some((path) => path.includes('/tests/') && !path.includes('/node_modules/')), 'no tests')

      const tree = join(out, 'tree')
      assert.equal(sh('dpkg-deb', ['-x', built.file, tree]).status, 0)
      if (has('desktop-file-validate')) {
        const verdict = sh('desktop-file-validate', [join(tree, 'usr/share/applications/cairn-desktop.desktop')])
        assert.equal(verdict.status, 0, verdict.stdout + verdict.stderr)
        assert.equal(verdict.stdout, '', verdict.stdout)
      } else t.diagnostic('desktop-file-validate is not installed (Debian: desktop-file-utils); the menu entry was not validated')
      // The bundled Node.js runs the launcher from the unpacked tree, and finds the daemon's modules there.
      const app = join(tree, 'usr/lib/cairn-desktop')
      const version = sh(join(app, 'bin/node'), [join(app, 'desktop/bin/cairn-desktop.js'), '--version'])
      assert.equal(version.stdout, `cairn-desktop ${CAIRN_VERSION}\n`, version.stderr)
      const imports = spawnSync(join(app, 'bin/node'), ['--import', 'tsx', '-e', "await import('./relay-server/peer/start-peer.ts'); await import('systray2'); await import('ws'); console.log('loaded')"], { cwd: app, encoding: 'utf8' })
      assert.equal(imports.stdout, 'loaded\n', imports.stderr)

      if (process.getuid?.() !== 0 || process.env.CAIRN_TEST_INSTALL_DEB !== '1') {
        t.diagnostic('not installing the .deb: that runs as root with CAIRN_TEST_INSTALL_DEB=1 (CI)')
        return
      }
      const install = sh('apt-get', ['install', '-y', '--no-install-recommends', built.file])
      assert.equal(install.status, 0, install.stdout + install.stderr)
      try {
        const installed = sh('/usr/bin/cairn-desktop', ['--version'])
        assert.equal(installed.stdout, `cairn-desktop ${CAIRN_VERSION}\n`, installed.stderr)
        const help = sh('/usr/bin/cairn-desktop', ['--help'])
        assert.equal(help.status, 0, help.stderr)
      } finally {
        const remove = sh('apt-get', ['remove', '-y', 'cairn-desktop'])
        assert.equal(remove.status, 0, remove.stdout + remove.stderr)
      }
      assert.equal(sh('dpkg-query', ['-W', '-f', '${Status}', 'cairn-desktop']).stdout.includes('install ok installed'), false, 'removed')
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  })
})
