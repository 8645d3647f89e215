/**
 * Cuts a byte stream into pieces of an exact size without needless copies: a
 * piece that lies whole inside one input chunk is a subarray of it; only
 * pieces that straddle input chunks are copied into a fresh buffer.
 *
 * The size may change between pieces (set `size` after a piece is yielded,
 * before resuming the generator); it takes effect for the next piece.
 */
export class Rechunker {
  size: number
  private buf: Uint8Array<ArrayBuffer> | undefined
  private len = 0

  constructor (size: number) {
    this.size = size
  }

  /** Bytes held that do not yet make a whole piece. */
  get buffered (): number {
    return this.len
  }

  /** Yields every whole piece that `chunk` completes, in order. */
  * push (chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    let off = 0
    while (off < chunk.length) {
      if (this.len === 0 && chunk.length - off >= this.size) {
        const piece = chunk.subarray(off, off + this.size)
        off += this.size
        yield piece
        continue
      }
      if (this.buf === undefined || this.len === 0) this.buf = new Uint8Array(this.size)
      const n = Math.min(this.size - this.len, chunk.length - off)
      this.buf.set(chunk.subarray(off, off + n), this.len)
      this.len += n
      off += n
      if (this.len === this.size) {
        const piece = this.buf
        this.buf = undefined
        this.len = 0
        yield piece
      }
    }
  }

  /** Hands over the bytes of the unfinished piece and forgets them. */
  takeRest (): Uint8Array {
    const rest = this.buf === undefined ? new Uint8Array(0) : this.buf.subarray(0, this.len)
    this.buf = undefined
    this.len = 0
    return rest
  }
}
