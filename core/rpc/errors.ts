/**
 * The error half of every RPC contract: a failure crosses a boundary as
 * `{code, message}` and comes back as a CairnError with that code. The page
 * (web/) reaches core only through core/rpc (DESIGN §1), so it takes these here.
 */
export { isCairnError, isErrorCode, type ErrorCode, type ErrorPayload } from '../errors.ts'
