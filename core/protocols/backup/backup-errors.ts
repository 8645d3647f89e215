import { CairnError, isErrorCode, toErrorPayload } from '../../errors.ts'
import type { ErrorResponse } from './messages.ts'

/**
 * The peer has not applied the device's manifests up to `expected − 1`:
 * the device resends from `expected` (see ManifestLog).
 */
export class ManifestGapError extends CairnError {
  readonly expected: number

  constructor (expected: number, message = `the peer expects manifest seq ${expected} next`) {
    super('MANIFEST_GAP', message)
    this.name = 'ManifestGapError'
    this.expected = expected
  }
}

/** The wire form of a refusal. Internal errors keep their details off the wire. */
export function toErrorResponse (err: unknown): ErrorResponse {
  const payload = toErrorPayload(err)
  if (payload.code === 'INTERNAL') payload.message = 'the backup peer failed to answer; its log has details'
  const response: ErrorResponse = { ok: false, error: payload }
  if (err instanceof ManifestGapError) response.expected = err.expected
  return response
}

/** Rebuilds a peer's refusal on the device side. */
export function fromErrorResponse (response: ErrorResponse): CairnError {
  const code = isErrorCode(response.error?.code) ? response.error.code : 'INTERNAL'
  const message = typeof response.error?.message === 'string' ? response.error.message : 'the backup peer refused'
  if (code === 'MANIFEST_GAP' && Number.isSafeInteger(response.expected) && (response.expected as number) >= 1) {
    return new ManifestGapError(response.expected as number, message)
  }
  return new CairnError(code, message)
}
