/**
 * A ReadableStream over an async iterator that wipes the file key when the
 * read fails or the reader cancels: a download cut short must not leave the
 * key in memory until the next garbage collection. Shared by the whole-file
 * and the byte-range readers.
 */
export function keyWipingStream (source: AsyncGenerator<Uint8Array, void, undefined>, fileKey: Uint8Array, strategy?: QueuingStrategy<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      let next
      try {
        next = await source.next()
      } catch (err) {
        fileKey.fill(0)
        throw err
      }
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel () {
      fileKey.fill(0)
      await source.return(undefined)
    }
  }, strategy)
}
