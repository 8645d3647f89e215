import assert from 'node:assert/strict'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createSystemNotifier, notifyCommand } from '../../../desktop/notify/system-notifier.ts'
import { diskUse, noticeListener } from '../../../desktop/notify/desktop-notices.ts'
import type { Notice } from '../../../core/rpc/api.ts'

/** Records each call's argv, NUL-separated, one call per line of the record. */
const FAKE_NOTIFY_SEND = `#!/bin/sh
for arg in "$@"; do printf '%s\\0' "$arg"; done >> "$NOTIFY_RECORD"
printf '\\n' >> "$NOTIFY_RECORD"
`

function recorder () {
  const lines: string[] = []
  const log = { debug: (m: string) => { lines.push(m) }, info: (m: string) => { lines.push(m) }, warn: (m: string) => { lines.push(m) }, error: (m: string) => { lines.push(m) } }
  return { lines, log }
}

describe('system notifier', () => {
  let dir = ''
  let record = ''
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-notify-'))
    record = join(dir, 'record')
    await writeFile(join(dir, 'notify-send'), FAKE_NOTIFY_SEND)
    await chmod(join(dir, 'notify-send'), 0o755)
  })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  const calls = async (): Promise<string[][]> => (await readFile(record, 'utf8')).split('\0\n').filter(Boolean).map(call => call.split('\0'))

  it('shows a notice with notify-send, as Cairn with its icon, the words as they are', async () => {
    // A file name a shell would act on: quotes, $(…), backticks, a newline, a leading dash.
    const nasty = `-x "it's" $(touch ${join(dir, 'pwned')}) \`id\`;\nrm -rf ~.txt`
    const notice: Notice = { kind: 'sync-conflict', title: '--title-like', body: `“${nasty}” was changed on two devices at once.`, id: 'sync-conflict:1' }
    const { log } = recorder()
    const notifier = createSystemNotifier({ log, platform: 'linux', iconPath: '/opt/cairn/icon.png', env: { PATH: dir, NOTIFY_RECORD: record } })
    await notifier.show(notice)
    assert.deepEqual(await calls(), [['--app-name=Cairn', '--icon=/opt/cairn/icon.png', '--', '--title-like', notice.body]])
    await assert.rejects(readFile(join(dir, 'pwned')), 'nothing in the name ran')
  })

  it('logs a missing tool once and carries on', async () => {
    const { lines, log } = recorder()
    const empty = await mkdtemp(join(tmpdir(), 'cairn-notify-empty-'))
    try {
      const notifier = createSystemNotifier({ log, platform: 'linux', env: { PATH: empty } })
      const notice: Notice = { kind: 'device-paired', title: 'Device paired', body: 'Paired with Laptop.', id: 'device-paired:x' }
      await notifier.show(notice)
      await notifier.show(notice)
      assert.equal(lines.length, 1)
      assert.match(lines[0] ?? '', /notify-send not found/)
      assert.doesNotMatch(lines[0] ?? '', /Laptop/)
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('passes the words to osascript and PowerShell as argv or environment, never inside the script', () => {
    const notice: Notice = { kind: 'backup-done', title: 'Backup "done"', body: 'end run\ndo shell script "id"', id: 'backup-done:1' }
    const mac = notifyCommand(notice, 'darwin')
    assert.equal(mac?.file, 'osascript')
    assert.deepEqual(mac?.args.slice(-2), [notice.title, notice.body])
    assert.ok(mac?.args.slice(0, -2).every(arg => !arg.includes('Backup') && !arg.includes('shell script')))
    const win = notifyCommand(notice, 'win32')
    assert.equal(win?.file, 'powershell.exe')
    assert.ok(win?.args.every(arg => !arg.includes('Backup') && !arg.includes('shell script')))
    assert.deepEqual(win?.env, { CAIRN_NOTICE_TITLE: notice.title, CAIRN_NOTICE_BODY: notice.body, CAIRN_NOTICE_TAG: notice.id })
  })
})

describe('desktop notices', () => {
  it('hands only notice events to the notifier', async () => {
    const shown: Notice[] = []
    const listener = noticeListener({ show: async (notice) => { shown.push(notice) } })
    const notice: Notice = { kind: 'storage-almost-full', title: 'Storage almost full', body: '…', id: 'storage-almost-full' }
    listener({ kind: 'event', event: 'files.changed', data: undefined })
    listener({ kind: 'event', event: 'notice', data: notice })
    assert.deepEqual(shown, [notice])
  })

  it('measures the disk that holds the data folder', async () => {
    const use = await diskUse(tmpdir())()
    assert.ok(use !== undefined && use.totalBytes > 0 && use.usedBytes >= 0 && use.usedBytes <= use.totalBytes)
  })
})
