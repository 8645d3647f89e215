import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { ConfigInvalidError } from '../core/errors.ts'
import { desktopConfigPath, loadDesktopConfig } from './desktop-config.ts'
import type { DesktopArgs } from './options.ts'
import { claimInstance } from './single-instance.ts'
import { READY_PREFIX } from './constants.ts'
import type { DesktopOptions, RunningDesktop } from './daemon/desktop-types.ts'

/**
 * What `cairn-desktop` does once its options are read: become the data
 * folder's one instance (or hand a running one the request and return 0),
 * then start the daemon on the port kept in desktop.json, and stop it on
 * SIGINT/SIGTERM. Its parts are injected so a test can run two instances
 * in one process.
 */


export interface RunDesktopInit {
  start: (options: DesktopOptions) => Promise<RunningDesktop>
  /** The built app. */
  distDir: string
  /** Registers the stop request (main.ts: SIGINT and SIGTERM); called at most twice. */
  onStopRequest: (handler: () => void) => void
  /** A line for the user (stdout) and a problem (stderr). */
  say: (line: string) => void
  warn: (line: string) => void
}

/** Runs until stopped; resolves with the exit code. */
export async function runDesktop (args: DesktopArgs, init: RunDesktopInit): Promise<number> {
  // The stop request is wired first: a signal that finds no handler kills the process with no clean stop.
  let desktop: RunningDesktop | undefined
  let stopAsked = false
  let openAsked = false
  let finish!: (code: number) => void
  const finished = new Promise<number>((resolve) => { finish = resolve })
  const stop = (): void => {
    if (desktop === undefined) { stopAsked = true; return }
    desktop.stop().then(() => { finish(0) }, (err: unknown) => {
      init.warn(`stop failed: ${err instanceof Error ? err.message : String(err)}`)
      finish(1)
    })
  }
  let requests = 0
  // A second Ctrl-C does not wait for a clean stop.
  init.onStopRequest(() => { if (++requests > 1) finish(1); else stop() })

  const openWindow = (): void => {
    if (desktop === undefined) { openAsked = true; return }
    desktop.openWindow().catch((err: unknown) => {
      init.warn(`could not open the window: ${err instanceof Error ? err.message : String(err)}`)
    })
  }
  makeDataDir(args.dataDir)
  const claim = await claimInstance(args.dataDir, { onOpen: openWindow, request: args.openWindow ? 'open' : 'ping' })
  if (!claim.primary) {
    init.say(`cairn-desktop is already running on ${args.dataDir}${args.openWindow ? '; its window opens' : ''}.`)
    return 0
  }
  try {
    const configFile = desktopConfigPath(args.dataDir)
    const firstLaunch = !existsSync(configFile)
    const config = await loadDesktopConfig(args.dataDir, args.port !== undefined ? { port: args.port } : {})
    const port = args.port ?? config.port
    desktop = await init.start({
      dataDir: args.dataDir,
      port,
      openWindow: args.openWindow,
      // The command line's --listen-network, or the user's saved choice.
      listenNetwork: args.listenNetwork || config.listenNetwork === true,
      relays: args.relays,
      ...(args.shareOrigin !== undefined ? { shareOrigin: args.shareOrigin } : {}),
      distDir: init.distDir,
      // Quit in the tray ends the run like SIGTERM: stop, then close the one-instance socket.
      onQuit: stop
    }).catch((err: unknown) => {
      const explained = appPortError(err, port, args.port !== undefined ? '--port' : configFile)
      // A first launch that never served on its port keeps none: the next launch picks again.
      if (firstLaunch && explained !== err) rmSync(configFile, { force: true })
      throw explained
    })
    // For scripts and tests: where the app is served, once it is.
    init.say(`${READY_PREFIX} ${JSON.stringify({ origin: desktop.origin, pid: process.pid })}`)
    if (stopAsked) stop()
    else if (openAsked) openWindow()
    return await finished
  } finally {
    await claim.instance.close()
  }
}

/**
 * The app port held by another program, or one below 1024 without the
 * privilege (Node says only "listen EADDRINUSE … 127.0.0.1:47600" or "listen
 * EACCES: permission denied 127.0.0.1:80"): words that say which port it is,
 * where it comes from, and what to do. Any other failure is passed on as it is.
 */
function appPortError (err: unknown, port: number, from: string): unknown {
  if (!(err instanceof Error)) return err
  const failure = err as NodeJS.ErrnoException & { port?: unknown }
  if (failure.syscall !== 'listen' || failure.port !== port) return err
  const which = from === '--port' ? `port ${port} (--port)` : `port ${port}, Cairn's app port kept in ${from},`
  if (failure.code === 'EACCES') {
    const where = from === '--port' ? `port ${port} (--port)` : `port ${port} (Cairn's app port, kept in ${from})`
    return new ConfigInvalidError(`no permission to listen on ${where}: ports below 1024 need privileges. Start with --port N above 1024${from === '--port' ? '' : ' to use another port this time'}`, { cause: err })
  }
  if (failure.code !== 'EADDRINUSE') return err
  return new ConfigInvalidError(`${which} is in use by another program (or a Cairn on another data folder): close it and start Cairn again, or start with --port N to use another port this time (the kept one stays kept)`, { cause: err })
}

/** The data folder, made if need be; a path through a file says so (Node says only "EEXIST … mkdir"). */
function makeDataDir (dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw err
    throw new ConfigInvalidError(`${dataDir} cannot be Cairn's data folder (--data-dir): it, or a folder on its way, is a file. Choose a folder (it is made if it does not exist)`, { cause: err })
  }
}
