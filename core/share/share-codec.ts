import { CairnError, InvalidArgumentError } from '../errors.ts'

/**
 * The small binary writer/reader behind the share-link payload: unsigned
 * LEB128 varints and length-prefixed byte strings. Reading is strict (no
 * overlong varints, no reading past the end), so one value has one encoding
 * and a damaged payload fails as SHARE_LINK_DAMAGED rather than as garbage.
 */
export class ByteWriter {
  private readonly parts: number[] = []

  /** Unsigned LEB128; `value` must be a safe non-negative integer. */
  varint (value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(`not a varint: ${String(value)}`)
    // Division, not bit shifts: shifts work on 32 bits and sizes may exceed that.
    let rest = value
    while (rest >= 0x80) {
      this.parts.push((rest % 0x80) | 0x80)
      rest = Math.floor(rest / 0x80)
    }
    this.parts.push(rest)
    return this
  }

  bytes (value: Uint8Array): this {
    for (const b of value) this.parts.push(b)
    return this
  }

  /** A varint length, then the bytes. */
  lengthPrefixed (value: Uint8Array): this {
    return this.varint(value.length).bytes(value)
  }

  finish (): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

const damaged = (why: string): CairnError => new CairnError('SHARE_LINK_DAMAGED', why)

export class ByteReader {
  private offset = 0

  constructor (private readonly data: Uint8Array) {}

  get remaining (): number {
    return this.data.length - this.offset
  }

  varint (): number {
    let value = 0
    let scale = 1
    for (let i = 0; ; i++) {
      if (this.offset >= this.data.length) throw damaged('cut off inside a number')
      const b = this.data[this.offset++] as number
      value += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        // A zero last byte (other than a lone zero) is an overlong spelling.
        if (b === 0 && i > 0) throw damaged('overlong number')
        break
      }
      scale *= 0x80
      if (i >= 7) throw damaged('number too large')
    }
    if (!Number.isSafeInteger(value)) throw damaged('number too large')
    return value
  }

  bytes (length: number): Uint8Array {
    if (length > this.remaining) throw damaged('cut off')
    const out = this.data.subarray(this.offset, this.offset + length)
    this.offset += length
    return out
  }

  /** A varint length (at most `max`), then that many bytes. */
  lengthPrefixed (max: number): Uint8Array {
    const length = this.varint()
    if (length > max) throw damaged('field too long')
    return this.bytes(length)
  }

  rest (): Uint8Array {
    return this.bytes(this.remaining)
  }

  /** Throws unless every byte was read. */
  end (): void {
    if (this.remaining !== 0) throw damaged('unexpected trailing bytes')
  }
}
