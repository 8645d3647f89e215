/**
 * How a taken name becomes a free one ("name (2).ext"): the page picks it for
 * an upload or a single restore, the node for a batch restore from the Trash,
 * and both must name alike. The page reaches core only through core/rpc (DESIGN §1).
 */
export { freePath, lastSegment } from '../index/free-path.ts'
