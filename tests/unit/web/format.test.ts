import assert from 'node:assert/strict'
import { test } from 'node:test'
import { baseName, folderOf, formatBytes, formatPercent, formatRate, fraction } from '../../../web/format.ts'

test('formatBytes uses decimal units with three significant figures', () => {
  assert.equal(formatBytes(0), '0 bytes')
  assert.equal(formatBytes(1), '1 byte')
  assert.equal(formatBytes(999), '999 bytes')
  assert.equal(formatBytes(1000), '1.00 KB')
  assert.equal(formatBytes(12_345), '12.3 KB')
  assert.equal(formatBytes(50_000_000), '50.0 MB')
  assert.equal(formatBytes(845_221), '845 KB')
  assert.equal(formatBytes(1_020_000_000), '1.02 GB')
  assert.equal(formatBytes(-1), '—')
})

test('rates read like sizes per second', () => {
  assert.equal(formatRate(12_300_000), '12.3 MB/s')
  assert.equal(formatRate(840_000), '840 KB/s')
  assert.equal(formatRate(0), '— MB/s')
})

test('an empty total counts as complete (zero-byte files finish at 100%)', () => {
  assert.equal(fraction(0, 0), 1)
  assert.equal(formatPercent(0, 0), '100%')
  assert.equal(formatPercent(1, 4), '25%')
  assert.equal(fraction(5, 4), 1)
})

test('paths split into folder and base name', () => {
  assert.equal(baseName('photos/2024/cat.jpg'), 'cat.jpg')
  assert.equal(folderOf('photos/2024/cat.jpg'), 'photos/2024/')
  assert.equal(baseName('cat.jpg'), 'cat.jpg')
  assert.equal(folderOf('cat.jpg'), '')
})
