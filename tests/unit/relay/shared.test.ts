import assert from 'node:assert/strict'
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CairnError } from '../../../core/errors.ts'
import { loadOrCreatePrivateKey } from '../../../relay-server/shared/key-file.ts'
import { createLogger, throttled } from '../../../relay-server/shared/log.ts'
import { duration, size } from '../../../relay-server/shared/option-parsers.ts'
import { tempDir } from './helpers.ts'

describe('relay-server/shared: key file', () => {
  it('makes an Ed25519 key with mode 0600 in a 0700 folder, then loads the same key', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir.path, 'deep', 'er', 'key')
      const made = await loadOrCreatePrivateKey(path)
      assert.equal(made.created, true)
      assert.equal(made.privateKey.type, 'Ed25519')
      assert.equal((await stat(path)).mode & 0o777, 0o600)
      assert.equal((await stat(join(dir.path, 'deep', 'er'))).mode & 0o777, 0o700)
      const loaded = await loadOrCreatePrivateKey(path)
      assert.equal(loaded.created, false)
      assert.equal(loaded.looseMode, undefined)
      assert.ok(peerIdFromPrivateKey(loaded.privateKey).equals(peerIdFromPrivateKey(made.privateKey)))
      await chmod(path, 0o644)
      assert.equal((await loadOrCreatePrivateKey(path)).looseMode, 0o644)
    } finally {
      await dir.cleanup()
    }
  })

  it('refuses a file that holds no key, and never overwrites it', async () => {
    const dir = await tempDir()
    try {
      const path = join(dir.path, 'key')
      await writeFile(path, 'not a key')
      await assert.rejects(loadOrCreatePrivateKey(path), (err: unknown) => err instanceof CairnError && err.code === 'CONFIG_INVALID' && err.message.includes(path))
      assert.equal(await readFile(path, 'utf8'), 'not a key')
    } finally {
      await dir.cleanup()
    }
  })
})

describe('relay-server/shared: logger', () => {
  it('writes one JSON object per line at or above its level, fixed keys first', () => {
    const lines: string[] = []
    const log = createLogger({ level: 'info', name: 'relay', write: (line) => { lines.push(line) }, now: () => new Date(0) })
    log.debug('hidden')
    log.info('hello', { n: 1n, msg: 'cannot override', err: new CairnError('CONFIG_INVALID', 'bad') })
    log.child('caps').warn('careful')
    assert.equal(lines.length, 2)
    assert.ok(lines.every(line => line.endsWith('\n') && !line.slice(0, -1).includes('\n')))
    assert.deepEqual(JSON.parse(lines[0]!), { level: 'info', time: '1970-01-01T00:00:00.000Z', name: 'relay', msg: 'hello', n: '1', err: { name: 'CairnError', message: 'bad', code: 'CONFIG_INVALID' } })
    assert.equal((JSON.parse(lines[1]!) as { name: string }).name, 'relay.caps')
  })

  it('throttled: one line per window, then the count of the rest', () => {
    let t = 0
    const seen: Array<Record<string, unknown> | undefined> = []
    const log = throttled((_msg, fields) => { seen.push(fields) }, 1000, () => t)
    for (let i = 0; i < 5; i++) log('refused', { i })
    t = 1500
    log('refused', { i: 5 })
    assert.deepEqual(seen, [{ i: 0 }, { i: 5, suppressed: 4 }])
  })
})

describe('relay-server/shared: sizes and durations', () => {
  it('reads units', () => {
    assert.equal(size()('128KiB'), 131_072)
    assert.equal(size()('4 GiB'), 4 * 2 ** 30)
    assert.equal(size()('10MB'), 10_000_000)
    assert.equal(size()(2048), 2048)
    assert.throws(() => size()('1 furlong'))
    assert.throws(() => size(100)('1KiB'))
    assert.equal(duration()('500ms'), 500)
    assert.equal(duration()('2h'), 7_200_000)
    assert.equal(duration()('1.5s'), 1500)
    assert.equal(duration()(30), 30_000)
    assert.throws(() => duration()('soon'))
  })
})
