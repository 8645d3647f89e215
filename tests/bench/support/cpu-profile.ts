import { writeFileSync } from 'node:fs'
import type { WorkerCdp } from './worker-cdp.ts'

/** The parts of a V8 `Profiler.Profile` (CDP) that the summary reads. */
interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples?: number[]
  timeDeltas?: number[]
}

/** Self time of one function in a sampled profile. */
export interface HotFunction {
  name: string
  where: string
  ms: number
  share: number
}

/** Starts V8's sampling profiler in the worker (every 100 µs). */
export async function startCpuProfile (worker: Pick<WorkerCdp, 'call'>): Promise<void> {
  await worker.call('Profiler.enable')
  await worker.call('Profiler.setSamplingInterval', { interval: 100 })
  await worker.call('Profiler.start')
}

function shortUrl (url: string): string {
  const at = url.indexOf('/node_modules/')
  const path = at >= 0 ? url.slice(at + '/node_modules/'.length) : url.replace(/^https?:\/\/[^/]+\/(@fs)?/, '')
  return path.replace(/\?.*$/, '').replace(/^.*\/work\/main\//, '').replace(/^file:\/\/.*?\/(core|tests|relay-server)\//, '$1/')
}

/**
 * Stops the profiler, saves the profile (DevTools opens .cpuprofile files)
 * and returns the functions with the most self time. Idle time is reported
 * as `(idle)`: the thread waiting for something else.
 */
export async function stopCpuProfile (worker: Pick<WorkerCdp, 'call'>, savePath: string): Promise<HotFunction[]> {
  const { profile } = await worker.call('Profiler.stop') as { profile: Profile }
  await worker.call('Profiler.disable')
  writeFileSync(savePath, JSON.stringify(profile))
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfMs = new Map<string, { name: string, where: string, ms: number }>()
  let total = 0
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one (µs).
    const ms = (deltas[i + 1] ?? 0) / 1000
    const node = byNode.get(samples[i] as number)
    if (node === undefined) continue
    const frame = node.callFrame
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName
    const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    const key = `${name} ${where}`
    const row = selfMs.get(key) ?? { name, where, ms: 0 }
    row.ms += ms
    selfMs.set(key, row)
    total += ms
  }
  return [...selfMs.values()].sort((a, b) => b.ms - a.ms).map((r) => ({ ...r, share: total > 0 ? r.ms / total : 0 }))
}
