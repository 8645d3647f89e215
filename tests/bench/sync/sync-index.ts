import { mkdirSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { stopCpuProfile, startCpuProfile } from '../support/cpu-profile.ts'
import type { Results } from '../support/report.ts'
import { fillIndex, newVault, startSyncDevice, syncOnce, type BenchVault, type SyncDevice } from './sync-devices.ts'

/**
 * `sync.index.10k`: a device joins a vault of 10,000 files. Device A's index
 * holds 10,000 puts (real sealed op blocks, built before timing); each
 * repetition starts a fresh device B (own node, own IndexLog on empty
 * stores, same vault key) and times, from B dialling A, the real
 * `/cairn/sync/1` session (B opens it, A answers) until B's
 * `listFiles().length` is 10,000. Stages: the session alone, and the first
 * `listFiles` after it (the view of 10,000 files is built then).
 */

export interface IndexOptions {
  files: number
  reps: number
  resultsDir: string
}

/** Ops per sealed block of the stage run: what a batched import would write. */
const BATCHED = 100

export async function measureIndexJoin (results: Results, options: IndexOptions): Promise<void> {
  const name = `sync.index.${options.files >= 1000 ? `${options.files / 1000}k` : options.files}`
  const vault = newVault()
  // One op per block: VaultFiles puts each uploaded file on its own (one append, one block).
  const a = await startSyncDevice(vault)
  try {
    const start = performance.now()
    await fillIndex(a.log, options.files, 1)
    console.log(`- device A: ${options.files} files in ${a.log.blockCids().length} op blocks, built in ${((performance.now() - start) / 1000).toFixed(1)} s (untimed)`)
    for (let rep = 0; rep < options.reps; rep++) {
      const stages = await joinOnce(a, vault, options.files)
      results.add({ name, value: stages.total, unit: 's' })
      results.add({ name: `stage.${name}.session`, value: stages.session, unit: 's' })
      results.add({ name: `stage.${name}.list`, value: stages.list, unit: 's' })
      results.add({ name: `stage.${name}.cpu`, value: stages.cpu, unit: 's' })
      console.log(`  ${name}: ${stages.total.toFixed(3)} s (session ${stages.session.toFixed(3)} s, first list ${stages.list.toFixed(3)} s; CPU ${stages.cpu.toFixed(3)} s)`)
    }
    // One more, untimed, under V8's sampling profiler: where the time goes (both devices share this thread).
    const inspector = new Session()
    inspector.connect()
    const cdp = { call: async (method: string, params: Record<string, unknown> = {}) => await inspector.post(method, params) }
    await startCpuProfile(cdp)
    await joinOnce(a, vault, options.files)
    mkdirSync(options.resultsDir, { recursive: true })
    const path = join(options.resultsDir, `${name}.cpuprofile`)
    const hot = await stopCpuProfile(cdp, path)
    inspector.disconnect()
    console.log(`  both devices' thread during one more join, self time (V8 sampling profile, ${path}):`)
    for (const f of hot.slice(0, 12)) console.log(`    ${f.ms.toFixed(0).padStart(6)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`)
  } finally {
    await a.stop()
  }

  // The same vault written in blocks of BATCHED ops (few, large blocks): what the block count costs.
  const batchedVault = newVault()
  const batched = await startSyncDevice(batchedVault)
  try {
    await fillIndex(batched.log, options.files, BATCHED)
    const stages = await joinOnce(batched, batchedVault, options.files)
    results.add({ name: `stage.${name}.batched${BATCHED}`, value: stages.total, unit: 's' })
    console.log(`  stage.${name}.batched${BATCHED} (${batched.log.blockCids().length} op blocks): ${stages.total.toFixed(3)} s`)
  } finally {
    await batched.stop()
  }
}

/**
 * A fresh device B joins A's vault; seconds for the whole join, the session,
 * the first list, and the CPU this process spent meanwhile (both devices,
 * all threads: on a busy machine, what the join would take alone).
 */
async function joinOnce (a: SyncDevice, vault: BenchVault, files: number): Promise<{ total: number, session: number, list: number, cpu: number }> {
  const b = await startSyncDevice(vault)
  try {
    const cpu = process.cpuUsage()
    const start = performance.now()
    await syncOnce(b, a, vault)
    const synced = performance.now()
    const listed = b.log.listFiles().length
    const end = performance.now()
    const used = process.cpuUsage(cpu)
    if (listed !== files) throw new Error(`device B lists ${listed} files after the sync, not ${files}`)
    return { total: (end - start) / 1000, session: (synced - start) / 1000, list: (end - synced) / 1000, cpu: (used.user + used.system) / 1e6 }
  } finally {
    await b.stop()
  }
}
