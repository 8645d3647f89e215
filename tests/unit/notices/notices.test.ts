import assert from 'node:assert/strict'
import { describe, it, mock } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { Notices, PEER_UNREACHABLE_MS, LOOK_EVERY_MS, CHANGED_EVERY_MS, type BackupWaiting, type ConflictCopy, type StorageUse, type WatchedPeer } from '../../../core/node/notices.ts'
import type { Notice } from '../../../core/rpc/api.ts'
import { manualClock } from '../support/clock.ts'

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** A node's state the test sets by hand, and the notices it made. */
function setup (datastore = new MemoryDatastore()) {
  const clock = manualClock()
  const told: Notice[] = []
  const state = {
    waiting: undefined as BackupWaiting | undefined,
    conflicts: undefined as ConflictCopy[] | undefined,
    storage: undefined as StorageUse | undefined,
    peers: [] as WatchedPeer[]
  }
  const notices = new Notices({
    datastore,
    log: quiet,
    emit: (notice) => { told.push(notice) },
    backupWaiting: () => state.waiting,
    conflicts: () => state.conflicts,
    storage: async () => state.storage,
    peers: () => state.peers,
    deviceName: (peerId) => peerId === 'peer-laptop' ? 'Laptop' : 'another device',
    clock: clock.now
  })
  /** Moves time in timer-sized steps, looking at each as the timer would. */
  const pass = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= LOOK_EVERY_MS) {
      clock.advance(Math.min(LOOK_EVERY_MS, left))
      await notices.look()
    }
  }
  return { clock, told, state, notices, pass, datastore }
}

const kinds = (told: Notice[]): string[] => told.map(n => n.kind)

/** Files waiting for the backup peers, by key (a file's id and content) and size. */
const waiting = (entries: Array<[string, number]>): BackupWaiting => ({ items: new Map(entries) })
/** `count` waiting files of `size` bytes each, keyed `f<first>:1` onwards. */
const files = (count: number, size: number, first = 0): BackupWaiting =>
  waiting(Array.from({ length: count }, (_, n): [string, number] => [`f${first + n}:1`, size]))

describe('Notices', () => {
  it('says a backup finished after an upload that took over a minute, once the peers hold it all', async () => {
    const t = setup()
    t.state.waiting = waiting([])
    t.notices.changed()
    t.state.waiting = waiting([['a:1', 1_000_000], ['b:1', 2_000_000]])
    t.notices.changed()
    await t.pass(90_000)
    t.state.waiting = waiting([['a:1', 1_000_000]])
    t.notices.changed()
    assert.equal(t.told.length, 0, 'nothing while a file still waits')
    t.state.waiting = waiting([])
    t.notices.changed()
    assert.deepEqual(kinds(t.told), ['backup-done'])
    assert.equal(t.told[0]?.title, 'Backup finished')
    assert.equal(t.told[0]?.body, '2 files (3.0 MB) are now safe on your backup peer.')
    t.notices.changed()
    assert.equal(t.told.length, 1, 'one notice per backup')
  })

  it('says nothing for a quick small backup, nor for what was waiting when it started watching (an unlock)', async () => {
    const t = setup()
    t.state.waiting = files(500, 18e6)
    t.notices.changed()
    await t.pass(5 * 60_000)
    t.state.waiting = waiting([])
    t.notices.changed()
    t.state.waiting = waiting([['new:1', 10]])
    t.notices.changed()
    t.clock.advance(5_000)
    t.state.waiting = waiting([])
    t.notices.changed()
    assert.equal(t.told.length, 0)
  })

  it('says a quick backup of many files finished, counting files added while it ran', async () => {
    const t = setup()
    t.state.waiting = waiting([])
    t.notices.changed()
    for (let n = 1; n <= 40; n++) {
      // Files n to n + n % 3 wait: each look, some finished and others were added.
      t.state.waiting = files(n % 3 + 1, 1000, n)
      t.notices.changed()
    }
    t.state.waiting = waiting([])
    t.notices.changed()
    assert.deepEqual(kinds(t.told), ['backup-done'])
    assert.equal(t.told[0]?.body, '41 files (41 KB) are now safe on your backup peer.')
  })

  it('counts every file of a backup, also one added between two looks while another finished', async () => {
    const t = setup()
    t.state.waiting = waiting([])
    t.notices.changed()
    t.state.waiting = waiting([['a:1', 10_000], ['b:1', 10_000]])
    t.notices.changed()
    // a is held now; c and d were added meanwhile: the count of waiting files rose by one only.
    t.state.waiting = waiting([['b:1', 10_000], ['c:1', 10_000], ['d:1', 10_000]])
    t.notices.changed()
    // A new version of b (a new content id) is another upload.
    t.state.waiting = waiting([['b:2', 10_000]])
    t.notices.changed()
    await t.pass(90_000)
    t.state.waiting = waiting([])
    t.notices.changed()
    assert.deepEqual(kinds(t.told), ['backup-done'])
    assert.equal(t.told[0]?.body, '5 files (50 KB) are now safe on your backup peer.')
  })

  it('a batch uploaded slower than it is backed up is one backup, told once, when the last upload is in and held', async () => {
    const t = setup()
    t.state.waiting = waiting([])
    t.notices.changed()
    for (let n = 0; n < 30; n++) {
      t.notices.uploadProgress({ uploadId: `u${n}`, phase: 'encrypting' })
      // Each file is held by the peer before the next one is stored: the waiting list empties between them.
      t.state.waiting = files(1, 1000, n)
      t.notices.changed()
      t.notices.uploadProgress({ uploadId: `u${n}`, phase: n === 7 ? 'failed' : 'done' })
      t.notices.uploadProgress({ uploadId: `u${n + 1}`, phase: 'encrypting' })
      t.state.waiting = waiting([])
      t.notices.changed()
      t.clock.advance(3_000)
    }
    assert.equal(t.told.length, 0, 'nothing while the batch is still uploading')
    // The last upload fails: no file changed, yet the run ends by itself.
    t.notices.uploadProgress({ uploadId: 'u30', phase: 'failed' })
    await new Promise(resolve => setTimeout(resolve, CHANGED_EVERY_MS + 100))
    assert.deepEqual(kinds(t.told), ['backup-done'])
    assert.equal(t.told[0]?.body, '30 files (30 KB) are now safe on your backup peer.')
  })

  it('tells of a new conflict copy by the name of its file, not of those there before', async () => {
    const t = setup()
    t.state.conflicts = [{ key: 'a:old', path: 'old.txt' }]
    t.notices.changed()
    assert.equal(t.told.length, 0)
    t.state.conflicts = [{ key: 'a:old', path: 'old.txt' }, { key: 'b:x', path: 'notes/todo.txt' }]
    t.notices.changed()
    assert.deepEqual(kinds(t.told), ['sync-conflict'])
    assert.equal(t.told[0]?.title, 'Sync conflict')
    assert.match(t.told[0]?.body ?? '', /“todo\.txt” was changed on two devices at once/)
  })

  it('gathers conflicts that come in a storm into one notice a minute', async () => {
    const t = setup()
    t.state.conflicts = []
    t.notices.changed()
    const copies: ConflictCopy[] = []
    for (let n = 0; n < 30; n++) {
      copies.push({ key: `f${n}:x`, path: `file-${n}.txt` })
      t.state.conflicts = [...copies]
      t.notices.changed()
      t.clock.advance(1000)
    }
    assert.equal(t.told.length, 1, 'the first at once, the rest held')
    await t.pass(LOOK_EVERY_MS)
    assert.equal(t.told.length, 2)
    assert.match(t.told[1]?.body ?? '', /^29 files were changed on two devices at once/)
    await t.pass(10 * LOOK_EVERY_MS)
    assert.equal(t.told.length, 2, 'nothing more once all were told')
  })

  it('tells of a paired device by its name, once even when both sides report it', () => {
    const t = setup()
    t.notices.deviceJoined('peer-laptop')
    t.notices.deviceJoined('peer-laptop')
    t.notices.deviceJoined('peer-other')
    assert.deepEqual(kinds(t.told), ['device-paired', 'device-paired'])
    assert.equal(t.told[0]?.body, "Paired with Laptop. It shares your vault's files from now on.")
    assert.equal(t.told[1]?.body, "Paired with another device. It shares your vault's files from now on.")
  })

  it('says storage is almost full once per crossing of 90%, not at every look', async () => {
    const t = setup()
    t.state.storage = { usedBytes: 80, totalBytes: 100 }
    await t.pass(LOOK_EVERY_MS)
    assert.equal(t.told.length, 0)
    t.state.storage = { usedBytes: 92, totalBytes: 100 }
    await t.pass(30 * LOOK_EVERY_MS)
    assert.deepEqual(kinds(t.told), ['storage-almost-full'])
    assert.match(t.told[0]?.body ?? '', /92% full/)
    t.state.storage = { usedBytes: 88, totalBytes: 100 }
    await t.pass(LOOK_EVERY_MS)
    t.state.storage = { usedBytes: 95, totalBytes: 100 }
    await t.pass(3 * 60 * LOOK_EVERY_MS)
    assert.equal(t.told.length, 1, 'hovering near the line is the same crossing')
    t.state.storage = { usedBytes: 50, totalBytes: 100 }
    await t.pass(LOOK_EVERY_MS)
    t.state.storage = { usedBytes: 91, totalBytes: 100 }
    await t.pass(LOOK_EVERY_MS)
    assert.equal(t.told.length, 2, 'freed, then full again: a new crossing')
  })

  it('says a backup peer is unreachable after a day away, once per outage, by its host', async () => {
    const t = setup()
    await t.notices.start()
    t.notices.stop()
    const peer: WatchedPeer = { peerId: 'p1', name: 'backup.example.org', online: true, lastSeen: t.clock.now() }
    t.state.peers = [peer]
    await t.pass(LOOK_EVERY_MS)
    t.state.peers = [{ ...peer, online: false }]
    await t.pass(PEER_UNREACHABLE_MS - 2 * LOOK_EVERY_MS)
    assert.equal(t.told.length, 0, 'not before a day')
    await t.pass(3 * LOOK_EVERY_MS)
    assert.deepEqual(kinds(t.told), ['peer-unreachable'])
    assert.equal(t.told[0]?.body, 'Your backup peer backup.example.org has not answered for a day. New files are not backed up there until it is back.')
    await t.pass(PEER_UNREACHABLE_MS)
    assert.equal(t.told.length, 1, 'once per outage')
    t.state.peers = [{ ...peer, online: true, lastSeen: t.clock.now() }]
    await t.pass(LOOK_EVERY_MS)
    t.state.peers = [{ ...peer, online: false, lastSeen: t.clock.now() }]
    await t.pass(PEER_UNREACHABLE_MS + LOOK_EVERY_MS)
    assert.equal(t.told.length, 2, 'a new outage, a new notice')
  })

  it('does not count a day the device slept as a day the peer was away', async () => {
    const t = setup()
    t.state.peers = [{ peerId: 'p1', name: 'nas.local', online: false, lastSeen: t.clock.now() }]
    await t.pass(LOOK_EVERY_MS)
    t.clock.advance(2 * PEER_UNREACHABLE_MS)
    await t.notices.look()
    assert.equal(t.told.length, 0)
  })

  it('looks once for a stream of changes (an upload of many files), not once per change', () => {
    mock.timers.enable({ apis: ['setTimeout'] })
    try {
      const t = setup()
      let asked = 0
      Object.defineProperty(t.state, 'waiting', { get: () => { asked++; return waiting([]) } })
      for (let n = 0; n < 1000; n++) t.notices.changedSoon()
      assert.equal(asked, 0)
      mock.timers.tick(CHANGED_EVERY_MS)
      assert.equal(asked, 1)
      t.notices.changedSoon()
      mock.timers.tick(CHANGED_EVERY_MS)
      assert.equal(asked, 2)
      t.notices.stop()
    } finally {
      mock.timers.reset()
    }
  })

  it('keeps a kind the user turned off silent, and remembers the choice', async () => {
    const datastore = new MemoryDatastore()
    const t = setup(datastore)
    await t.notices.start()
    t.notices.stop()
    assert.equal(t.notices.settings()['device-paired'], true, 'on by default')
    const after = await t.notices.setSettings({ 'device-paired': false })
    assert.equal(after['device-paired'], false)
    assert.equal(after['sync-conflict'], true, 'the others stay on')
    t.notices.deviceJoined('peer-laptop')
    assert.equal(t.told.length, 0)
    const again = setup(datastore)
    await again.notices.start()
    again.notices.stop()
    assert.equal(again.notices.settings()['device-paired'], false, 'kept in the datastore')
    again.state.storage = { usedBytes: 99, totalBytes: 100 }
    await again.pass(LOOK_EVERY_MS)
    assert.deepEqual(kinds(again.told), ['storage-almost-full'], 'other kinds still speak')
  })
})
