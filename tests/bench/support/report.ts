import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Sample } from '../browser/protocol.ts'

/** One figure: the median of its repetitions. */
export interface Figure {
  name: string
  value: number
  unit: string
  samples: number[]
}

/** Collects samples by name, in the order figures first appear. */
export class Results {
  private readonly byName = new Map<string, { unit: string, values: number[] }>()

  add (sample: Sample): void {
    const entry = this.byName.get(sample.name) ?? { unit: sample.unit, values: [] }
    entry.values.push(sample.value)
    this.byName.set(sample.name, entry)
  }

  figures (): Figure[] {
    return [...this.byName].map(([name, { unit, values }]) => ({ name, value: median(values), unit, samples: values }))
  }
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function format (value: number, unit: string): string {
  if (unit === '×') return value.toFixed(2)
  if (unit === 'ms' || unit === 'MB/s') return value.toFixed(0)
  if (unit === 's' || unit === 'cores') return value.toFixed(3)
  return value.toFixed(1)
}

/** A plain-text table: figure, median, unit, and every repetition's value. */
export function formatTable (figures: Figure[]): string {
  const rows = figures.map((f) => [f.name, format(f.value, f.unit), f.unit, f.samples.length > 1 ? f.samples.map((v) => format(v, f.unit)).join(' / ') : ''])
  const header = ['figure', 'median', 'unit', 'runs']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 1 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** Writes one `{"name","value","unit"}` JSON line per figure. */
export function writeJsonLines (path: string, figures: Figure[]): void {
  mkdirSync(dirname(path), { recursive: true })
  const round = (v: number): number => Math.round(v * 1000) / 1000
  writeFileSync(path, figures.map((f) => JSON.stringify({ name: f.name, value: round(f.value), unit: f.unit })).join('\n') + '\n')
}
