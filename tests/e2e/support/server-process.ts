import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ServerProcess<Ready> {
  ready: Ready
  child: ChildProcess
  /** Everything the process wrote to stderr (its structured log), for assertions and failure reports. */
  log: () => string
  /** SIGTERM and wait for exit; SIGKILL after a grace period. */
  stop: () => Promise<number | null>
  /** `kill -9`: no chance to flush or clean up. */
  kill9: () => Promise<void>
}

/**
 * Starts one of Cairn's server bins (cairn-relay, cairn-peer) as a real child
 * process and waits for its machine-readable READY line on stdout
 * (`<PREFIX> {json}`), so tests get the real addresses of ports chosen by the OS.
 */
export async function startServerProcess<Ready> (bin: string, args: string[], readyPrefix: string, timeoutMs = 30_000, env: Record<string, string> = {}): Promise<ServerProcess<Ready>> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-200_000) })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => { resolve(code) }))

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${bin} printed no ${readyPrefix} line within ${timeoutMs} ms:\n${stderr}`)) }, timeoutMs)
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      if (!line.startsWith(readyPrefix + ' ')) return
      clearTimeout(timer)
      resolve(JSON.parse(line.slice(readyPrefix.length + 1)) as Ready)
    })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`${bin} exited with ${code} before it was ready:\n${stderr}`)) })
  })

  return {
    ready,
    child,
    log: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const grace = setTimeout(() => { child.kill('SIGKILL') }, 10_000)
      const code = await exited
      clearTimeout(grace)
      return code
    },
    kill9: async () => {
      if (child.exitCode !== null) return
      child.kill('SIGKILL')
      await exited
    }
  }
}
