import { spawn } from 'node:child_process'

/** The real `cairn-desktop` entry point, as a package or `npm start` runs it. */
export const DESKTOP_BIN = new URL('../../../desktop/bin/cairn-desktop.js', import.meta.url).pathname

/** Runs `cairn-desktop` with `args` to its exit: what a user would see in the terminal. */
export async function runDesktopBin (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [DESKTOP_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => { resolve(c) }))
  return { code, stdout, stderr }
}
