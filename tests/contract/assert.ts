/**
 * Tiny assertions with no Node or DOM dependency, so the contract suites run
 * unchanged under node:test and inside a browser worker.
 */

export class ContractAssertionError extends Error {
  override name = 'ContractAssertionError'
}

export function ok (value: unknown, message: string): asserts value {
  if (value === false || value === undefined || value === null || value === 0) throw new ContractAssertionError(message)
}

export function equal<T> (actual: T, expected: T, message: string): void {
  if (!Object.is(actual, expected)) {
    throw new ContractAssertionError(`${message}: expected ${String(expected)}, got ${String(actual)}`)
  }
}

/** Byte-for-byte equality, reporting the first difference. */
export function bytesEqual (actual: Uint8Array, expected: Uint8Array, message: string): void {
  if (actual.length !== expected.length) {
    throw new ContractAssertionError(`${message}: expected ${expected.length} bytes, got ${actual.length}`)
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new ContractAssertionError(`${message}: bytes differ at ${i}`)
  }
}

/** Runs `fn` (sync throws count too) and returns what it threw; fails when it did not throw. */
export async function rejects (fn: () => unknown, message: string): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new ContractAssertionError(`${message}: expected an error, none was thrown`)
}

/** The `name` of a thrown value, for checks like "is a NotFoundError". */
export function errorName (err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : undefined
}
