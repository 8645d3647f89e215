import type { ContractHarness } from '../../contract/blockstore-contract.ts'

/** One test's outcome, as posted back to the page and read by the Playwright spec. */
export interface CaseResult {
  name: string
  ok: boolean
  error?: string
  ms: number
}

/** What a worker posts when it is done. */
export interface SuiteReport {
  suite: string
  results: CaseResult[]
  /** Figures worth printing (throughput and the like), never asserted on. */
  notes: string[]
}

/**
 * A minimal `describe`/`it` for running the contract suites inside a worker:
 * tests are collected first, then run one after another.
 */
export function createHarness (): { harness: ContractHarness, run: () => Promise<CaseResult[]> } {
  const tests: Array<{ name: string, fn: () => Promise<void> }> = []
  const path: string[] = []
  const harness: ContractHarness = {
    describe: (name, fn) => {
      path.push(name)
      try { fn() } finally { path.pop() }
    },
    it: (name, fn) => { tests.push({ name: [...path, name].join(' › '), fn }) }
  }
  const run = async (): Promise<CaseResult[]> => {
    const results: CaseResult[] = []
    for (const test of tests) {
      const started = performance.now()
      try {
        await test.fn()
        results.push({ name: test.name, ok: true, ms: performance.now() - started })
      } catch (err) {
        const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
        results.push({ name: test.name, ok: false, error, ms: performance.now() - started })
      }
    }
    return results
  }
  return { harness, run }
}

/** Runs one named check and records its outcome (for suites written without describe/it). */
export async function check (results: CaseResult[], name: string, fn: () => Promise<void>): Promise<void> {
  const started = performance.now()
  try {
    await fn()
    results.push({ name, ok: true, ms: performance.now() - started })
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    results.push({ name, ok: false, error, ms: performance.now() - started })
  }
}
