import { homedir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { isCairnError } from '../core/errors.ts'
import { guardProcessOutput, safeWrite } from '../relay-server/shared/output-guard.ts'
import { CAIRN_VERSION } from '../relay-server/shared/version.ts'
import { PROGRAM_NAME } from './constants.ts'
import { defaultDataDir } from './data-dir.ts'
import { loadDesktopConfig } from './desktop-config.ts'
import { desktopHelp, parseDesktopArgs, type DesktopArgs } from './options.ts'
import { claimInstance } from './single-instance.ts'
import type { RunningDesktop } from './daemon/start-desktop.ts'

/**
 * `cairn-desktop [options]`: the process entry point behind
 * desktop/bin/cairn-desktop.js. Options, then one instance per data folder,
 * then the daemon. Exit codes: 0 after Quit, SIGINT or SIGTERM (or when
 * another instance runs and was asked to open its window), 1 on a failure,
 * 2 on an invalid option.
 */

/** The built app (`npm run build`), beside desktop/ in a checkout and in the packages. */
const DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url))

async function main (argv: string[]): Promise<number> {
  guardProcessOutput()
  let parsed
  try {
    parsed = parseDesktopArgs(argv)
  } catch (err) {
    if (!isCairnError(err, 'CONFIG_INVALID')) throw err
    safeWrite(process.stderr, `${PROGRAM_NAME}: ${err.message}\n`)
    return 2
  }
  if (parsed.kind === 'help') { safeWrite(process.stdout, desktopHelp(defaultDataDir(process.platform, process.env, homedir()))); return 0 }
  if (parsed.kind === 'version') { safeWrite(process.stdout, `${PROGRAM_NAME} ${CAIRN_VERSION}\n`); return 0 }
  try {
    return await run(parsed.args)
  } catch (err) {
    safeWrite(process.stderr, `${PROGRAM_NAME}: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}

/** Runs the daemon until SIGINT/SIGTERM; resolves with the exit code. */
async function run (args: DesktopArgs): Promise<number> {
  // Signal handlers go in first: a signal that finds none kills the process with no clean stop.
  let desktop: RunningDesktop | undefined
  let stopAsked = false
  let openAsked = false
  let finish!: (code: number) => void
  const finished = new Promise<number>((resolve) => { finish = resolve })
  const stop = (): void => {
    if (desktop === undefined) { stopAsked = true; return }
    desktop.stop().then(() => { finish(0) }, (err: unknown) => {
      safeWrite(process.stderr, `${PROGRAM_NAME}: stop failed: ${err instanceof Error ? err.message : String(err)}\n`)
      finish(1)
    })
  }
  let signals = 0
  const onSignal = (): void => {
    // A second Ctrl-C does not wait for a clean stop.
    if (++signals > 1) finish(1)
    else stop()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const openWindow = (): void => {
    if (desktop === undefined) { openAsked = true; return }
    desktop.openWindow().catch((err: unknown) => {
      safeWrite(process.stderr, `${PROGRAM_NAME}: could not open the window: ${err instanceof Error ? err.message : String(err)}\n`)
    })
  }
  const claim = await claimInstance(args.dataDir, { onOpen: openWindow, request: args.openWindow ? 'open' : 'ping' })
  if (!claim.primary) {
    safeWrite(process.stdout, `${PROGRAM_NAME} is already running on ${args.dataDir}${args.openWindow ? '; its window opens' : ''}.\n`)
    return 0
  }
  try {
    const config = await loadDesktopConfig(args.dataDir, args.port !== undefined ? { port: args.port } : {})
    const { startDesktop } = await import('./daemon/start-desktop.ts')
    desktop = await startDesktop({
      dataDir: args.dataDir,
      port: args.port ?? config.port,
      openWindow: args.openWindow,
      listenNetwork: args.listenNetwork,
      relays: args.relays,
      distDir: DIST_DIR
    })
    if (stopAsked) stop()
    else if (openAsked) openWindow()
    return await finished
  } finally {
    await claim.instance.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
// Sockets or timers of the network stack may linger after stop(); the work is done.
process.exit()
