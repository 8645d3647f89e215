import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'

/**
 * Value parsers for command-line options. Each takes what a flag or an
 * environment variable gives (a string) or what a JSON config file gives
 * (a number, boolean, string or array) and returns the typed value, or throws
 * an `OptionValueError` saying what was expected.
 */

/** Thrown by a parser; the resolver adds which flag, variable or file key held the value. */
export class OptionValueError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'OptionValueError'
  }
}

export type Parser<T> = (value: unknown) => T

function describe (value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value)
}

/** A whole number within [min, max]. */
export function integer (min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (value) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN
    if (!Number.isSafeInteger(n)) throw new OptionValueError(`expected a whole number, got ${describe(value)}`)
    if (n < min || n > max) throw new OptionValueError(`expected a number from ${min} to ${max}, got ${n}`)
    return n
  }
}

/** A TCP/UDP port; 0 means "any free port". */
export const port: Parser<number> = integer(0, 65_535)

const SIZE_UNITS: Record<string, number> = { b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 }

/** A byte count: a plain number of bytes or a number with a unit (`128KiB`, `4GiB`, `10MB`). */
export function size (max: number = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (value) => {
    let bytes = NaN
    if (typeof value === 'number') bytes = value
    else if (typeof value === 'string') {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value)
      const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase() || 'b']
      if (m !== null && unit !== undefined) bytes = Math.round(Number(m[1]) * unit)
    }
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new OptionValueError(`expected a size such as 1048576, 512KiB, 64MiB or 4GiB, got ${describe(value)}`)
    if (bytes > max) throw new OptionValueError(`expected at most ${max} bytes, got ${bytes}`)
    return bytes
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration in milliseconds: a plain number of seconds or a number with a unit (`500ms`, `90s`, `30m`, `2h`, `1d`). */
export function duration (max: number = 365 * DURATION_UNITS.d!): Parser<number> {
  return (value) => {
    let ms = NaN
    if (typeof value === 'number') ms = value * 1000
    else if (typeof value === 'string') {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value)
      const unit = DURATION_UNITS[(m?.[2] ?? '').toLowerCase() || 's']
      if (m !== null && unit !== undefined) ms = Math.round(Number(m[1]) * unit)
    }
    if (!Number.isSafeInteger(ms) || ms < 0) throw new OptionValueError(`expected a duration such as 90 (seconds), 500ms, 30m or 2h, got ${describe(value)}`)
    if (ms > max) throw new OptionValueError(`expected at most ${max} ms, got ${ms}`)
    return ms
  }
}

/** true/false, yes/no, on/off, 1/0. */
export const boolean: Parser<boolean> = (value) => {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase()
    if (['true', 'yes', 'on', '1'].includes(text)) return true
    if (['false', 'no', 'off', '0'].includes(text)) return false
  }
  throw new OptionValueError(`expected true or false, got ${describe(value)}`)
}

/** One of a fixed set of words. */
export function choice<T extends string> (choices: readonly T[]): Parser<T> {
  return (value) => {
    if (typeof value === 'string' && (choices as readonly string[]).includes(value.trim())) return value.trim() as T
    throw new OptionValueError(`expected one of ${choices.join(', ')}, got ${describe(value)}`)
  }
}

/** A non-empty string. */
export const text: Parser<string> = (value) => {
  if (typeof value !== 'string' || value.trim() === '') throw new OptionValueError(`expected a non-empty text, got ${describe(value)}`)
  return value.trim()
}

/** An IPv4 or IPv6 address literal (what a libp2p listen multiaddr needs). */
export const ipAddress: Parser<string> = (value) => {
  const address = typeof value === 'string' ? value.trim() : ''
  if (isIP(address) === 0) throw new OptionValueError(`expected an IP address such as 127.0.0.1, 0.0.0.0 or ::1, got ${describe(value)}`)
  return address
}

/** A multiaddr, returned in its canonical text form; `example` shows one in the error. */
export function multiaddrText (example: string): Parser<string> {
  return (value) => {
    const address = text(value)
    try {
      return multiaddr(address).toString()
    } catch {
      throw new OptionValueError(`expected a multiaddr such as ${example}, got ${JSON.stringify(address)}`)
    }
  }
}

/** A comma-separated list (flags, environment) or a JSON array (config file) of items. */
export function list<T> (item: Parser<T>): Parser<T[]> {
  return (value) => {
    let items: unknown[]
    if (Array.isArray(value)) items = value
    else if (typeof value === 'string') items = value.split(',').map(s => s.trim()).filter(s => s !== '')
    else throw new OptionValueError(`expected a comma-separated list, got ${describe(value)}`)
    return items.map((one, i) => {
      try {
        return item(one)
      } catch (err) {
        if (err instanceof OptionValueError) throw new OptionValueError(`item ${i + 1}: ${err.message}`)
        throw err
      }
    })
  }
}
