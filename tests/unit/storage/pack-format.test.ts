import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { crc32 } from '../../../core/storage/crc32.ts'
import {
  JOURNAL_MAGIC, PACK_MAGIC, RECORD_DELETE, RECORD_FIXED_LENGTH, RECORD_PUT, checkHeader, decodeRecord, encodeRecord,
  fileHeader, journalFileName, packFileName, parseFileName, type JournalRecord
} from '../../../core/storage/pack-format.ts'
import { makeBlock, pseudoRandomBytes } from '../../contract/block-fixtures.ts'

describe('pack format', () => {
  it('computes the standard CRC-32', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926)
    for (let n = 0; n < 200; n += 7) {
      const bytes = pseudoRandomBytes(n, n + 1)
      assert.equal(crc32(bytes), zlibCrc32(bytes))
    }
  })

  it('round-trips journal records, offsets past 4 GiB included', async () => {
    const { cid } = await makeBlock(10, 1)
    const records: JournalRecord[] = [
      { kind: RECORD_PUT, pack: 1, offset: 8, length: 1_048_592, cid: cid.bytes },
      { kind: RECORD_DELETE, pack: 4_000_000, offset: 2 ** 40 + 12345, length: 0, cid: cid.bytes }
    ]
    const joined = new Uint8Array([...encodeRecord(records[0]!), ...encodeRecord(records[1]!)])
    const first = decodeRecord(joined, 0)
    assert.ok(first !== undefined)
    assert.equal(first.next, RECORD_FIXED_LENGTH + cid.bytes.length)
    assert.deepEqual(first.record, records[0])
    assert.deepEqual(decodeRecord(joined, first.next)?.record, records[1])
    assert.equal(decodeRecord(joined, joined.length), undefined)
  })

  it('rejects a record that is cut short or has any byte changed', async () => {
    const { cid } = await makeBlock(10, 2)
    const record = encodeRecord({ kind: RECORD_PUT, pack: 3, offset: 100, length: 200, cid: cid.bytes })
    for (let n = 0; n < record.length; n++) assert.equal(decodeRecord(record.subarray(0, n), 0), undefined, `cut at ${n}`)
    for (let i = 0; i < record.length; i++) {
      const damaged = record.slice()
      damaged[i] = (damaged[i] as number) ^ 0x10
      assert.equal(decodeRecord(damaged, 0), undefined, `byte ${i} changed`)
    }
  })

  it('tells whole, torn and foreign file headers apart', () => {
    const header = fileHeader(PACK_MAGIC)
    assert.equal(checkHeader(header, PACK_MAGIC), 'ok')
    assert.equal(checkHeader(header, JOURNAL_MAGIC), 'foreign')
    assert.equal(checkHeader(header.subarray(0, 5), PACK_MAGIC), 'empty')
    assert.equal(checkHeader(new Uint8Array(0), PACK_MAGIC), 'empty')
    assert.equal(checkHeader(new Uint8Array(8), PACK_MAGIC), 'empty')
    assert.equal(checkHeader(Uint8Array.of(...PACK_MAGIC, 2, 0, 0, 0), PACK_MAGIC), 'foreign', 'a newer version is not ours to touch')
  })

  it('names and parses pack files', () => {
    assert.equal(packFileName(12), '00000012.pack')
    assert.equal(journalFileName(12), '00000012.jrnl')
    assert.deepEqual(parseFileName('00000012.jrnl'), { pack: 12, kind: 'jrnl' })
    assert.equal(parseFileName('12.pack'), undefined)
    assert.equal(parseFileName('.DS_Store'), undefined)
  })
})
