export { freePath, lastSegment } from '../../core/rpc/free-names.ts'
