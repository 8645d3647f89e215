import { spawn, spawnSync } from 'node:child_process'

/**
 * Runs a program as an ordinary user would: without the privileges to bind a
 * port below 1024 or to read another's file. Tests here often run as root,
 * which has both, so a root run drops those capabilities with util-linux's
 * `setpriv` (still uid 0, so the files it writes stay removable). Undefined
 * when that cannot be done here (the caller skips, saying why).
 */
export function unprivilegedCommand (argv: readonly string[]): string[] | undefined {
  if (process.getuid?.() !== 0) return [...argv]
  if (spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined
  const caps = '-net_bind_service,-dac_override,-dac_read_search'
  return ['setpriv', `--bounding-set=${caps}`, `--inh-caps=${caps}`, ...argv]
}

export interface RunResult { code: number | null, stdout: string, stderr: string }

/** Runs `argv` (from {@link unprivilegedCommand}, or any) to its exit, killed after `timeoutMs`; `env` adds to this process's. */
export async function runToExit (argv: readonly string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<RunResult> {
  const [program, ...args] = argv
  if (program === undefined) throw new Error('nothing to run')
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => { resolve(c) }))
  clearTimeout(timer)
  return { code, stdout, stderr }
}
