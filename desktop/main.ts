import { homedir } from 'node:os'
import { isCairnError } from '../core/errors.ts'
import { guardProcessOutput, safeWrite } from '../relay-server/shared/output-guard.ts'
import { CAIRN_VERSION } from '../relay-server/shared/version.ts'
import { PROGRAM_NAME } from './constants.ts'
import { defaultDataDir } from './data-dir.ts'
import { desktopHelp, parseDesktopArgs } from './options.ts'
import { runDesktop } from './run-desktop.ts'
import { appPath } from './app-root.ts'

/**
 * `cairn-desktop [options]`: the process entry point behind
 * desktop/bin/cairn-desktop.js. Options, then one instance per data folder,
 * then the daemon (run-desktop.ts). Exit codes: 0 after Quit, SIGINT or
 * SIGTERM (or when another instance runs and was asked to open its window),
 * 1 on a failure, 2 on an invalid option.
 */

/** The built app (`npm run build`), beside desktop/ in a checkout and in the packages. */
const DIST_DIR = appPath('dist')

const say = (line: string): void => { safeWrite(process.stdout, `${line}\n`) }
const warn = (line: string): void => { safeWrite(process.stderr, `${PROGRAM_NAME}: ${line}\n`) }

async function main (argv: string[]): Promise<number> {
  guardProcessOutput()
  let parsed
  try {
    parsed = parseDesktopArgs(argv)
  } catch (err) {
    if (!isCairnError(err, 'CONFIG_INVALID')) throw err
    warn(err.message)
    return 2
  }
  if (parsed.kind === 'help') { safeWrite(process.stdout, desktopHelp(defaultDataDir(process.platform, process.env, homedir()))); return 0 }
  if (parsed.kind === 'version') { say(`${PROGRAM_NAME} ${CAIRN_VERSION}`); return 0 }
  try {
    return await runDesktop(parsed.args, {
      // Loaded only now: --help and --version need none of the node's modules.
      start: async (options) => await (await import('./daemon/start-desktop.ts')).startDesktop(options),
      distDir: DIST_DIR,
      onStopRequest: (handler) => {
        process.on('SIGINT', handler)
        process.on('SIGTERM', handler)
      },
      say,
      warn
    })
  } catch (err) {
    warn(err instanceof Error ? err.message : String(err))
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
// Sockets or timers of the network stack may linger after stop(); the work is done.
process.exit()
