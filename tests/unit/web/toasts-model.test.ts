import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createToastsModel, filesAddedWords, TOAST_MS } from '../../../web/models/toasts-model.ts'
import { shareHoldWords } from '../../../web/models/share-hold-words.ts'
import { backupState } from '../../../web/models/files-summary-model.ts'
import type { FileInfo, FileLocation } from '../../../core/rpc/api.ts'

/** A clock the test moves by hand. */
function fakeTimers () {
  const pending = new Map<number, { run: () => void, at: number }>()
  let now = 0
  let next = 1
  return {
    setTimer: (run: () => void, ms: number) => { const id = next++; pending.set(id, { run, at: now + ms }); return id },
    clearTimer: (id: unknown) => { pending.delete(id as number) },
    advance: (ms: number) => {
      now += ms
      for (const [id, t] of [...pending]) if (t.at <= now) { pending.delete(id); t.run() }
    },
    pending
  }
}

describe('toasts', () => {
  it('finished work goes by itself; an error or a toast with an action stays until dismissed', () => {
    const clock = fakeTimers()
    const toasts = createToastsModel(clock)
    toasts.show({ tone: 'done', text: '12 files added' })
    const error = toasts.show({ tone: 'error', text: '2 files could not be added' })
    toasts.show({ tone: 'done', text: 'Backup finished', action: { label: 'Show', run: () => {} } })
    assert.equal(toasts.shown.value.length, 3)
    clock.advance(TOAST_MS - 1)
    assert.equal(toasts.shown.value.length, 3)
    clock.advance(1)
    assert.deepEqual(toasts.shown.value.map(t => t.text), ['2 files could not be added', 'Backup finished'])
    toasts.dismiss(error)
    assert.deepEqual(toasts.shown.value.map(t => t.text), ['Backup finished'])
  })

  it('keeps the newest three, and forgets all (and their timers) on reset', () => {
    const clock = fakeTimers()
    const toasts = createToastsModel(clock)
    for (let i = 1; i <= 5; i++) toasts.show({ tone: 'done', text: `t${i}` })
    assert.deepEqual(toasts.shown.value.map(t => t.text), ['t3', 't4', 't5'])
    assert.equal(clock.pending.size, 3)
    toasts.reset()
    assert.equal(toasts.shown.value.length, 0)
    assert.equal(clock.pending.size, 0)
  })

  it('counts files in words', () => {
    assert.equal(filesAddedWords(1), '1 file added')
    assert.equal(filesAddedWords(12), '12 files added')
  })
})

describe('words that match what is true', () => {
  it('the share dialog says whether a backup peer holds the link\'s copy', () => {
    assert.match(shareHoldWords(1, 1), /holds a copy/)
    assert.match(shareHoldWords(0, 0), /Add a backup peer/)
    assert.match(shareHoldWords(0, 1), /is taking a copy/)
    assert.match(shareHoldWords(0, 2), /peers are taking a copy/)
    assert.match(shareHoldWords(0, undefined), /Until a backup peer holds a copy/)
  })

  it('the backup state above the files counts files no peer holds yet', () => {
    const file = (fileId: string, onBackup?: boolean): FileInfo => ({ fileId, path: fileId, size: 1, mtime: 0, type: '', versionId: 'v', cid: 'c', ...(onBackup === undefined ? {} : { onBackup }) }) as FileInfo
    const files = [file('a', true), file('b'), file('c')]
    assert.deepEqual(backupState(files, {}, 0), { tone: 'none', text: 'No backup peer yet' })
    assert.deepEqual(backupState(files, {}, 1), { tone: 'pending', text: '2 files to back up' })
    const here: Omit<FileLocation, 'peers'> = { local: 'all', devices: [], keep: false }
    assert.deepEqual(backupState(files, { b: { ...here, peers: ['p'] } }, 1), { tone: 'pending', text: '1 file to back up' })
    assert.deepEqual(backupState(files, { b: { ...here, peers: ['p'] }, c: { ...here, peers: ['p'] } }, 1), { tone: 'done', text: 'All backed up' })
  })
})
