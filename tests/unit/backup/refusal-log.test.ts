import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { RefusalLog } from '../../../core/protocols/backup/refusal-log.ts'
import { addressOf, MemoryLog, startDevice, startPeer, stopPeer } from './helpers.ts'

test('a stranger\'s flood of refused requests costs a few log lines and one summary a minute', async () => {
  let clock = Date.now()
  const peer = await startPeer({ now: () => clock })
  const stranger = await startDevice()
  try {
    const at = addressOf(peer)
    const flood = 60
    for (let i = 0; i < flood; i++) {
      await assert.rejects(stranger.client.status(at), (err: unknown) => isCairnError(err, 'NOT_PAIRED'))
    }
    const refusals = (): string[] => peer.log.lines.filter(line => line.level === 'warn' && /refused/.test(line.message)).map(line => line.message)
    assert.ok(refusals().length <= 5, `${refusals().length} lines for ${flood} refusals in one minute`)
    assert.match(refusals()[0] ?? '', /refused status from 12D3KooW.* NOT_PAIRED/, 'the first ones are logged in full')

    // A minute later the next refusal first sums up the last one.
    clock += 60_000
    await assert.rejects(stranger.client.status(at))
    const remote = stranger.helia.libp2p.peerId.toString()
    const summary = refusals().find(line => line.includes('more refused'))
    assert.equal(summary, `backup: ${flood - 5} more refused request(s) from ${remote} in the last minute (NOT_PAIRED ×${flood - 5})`)
    assert.ok(refusals().length <= 7)
  } finally {
    await stranger.helia.stop()
    await stopPeer(peer)
  }
})

test('refusals from many peers are capped in total per window, and the summary names the worst ones and sums up the rest', () => {
  let clock = 0
  const log = new MemoryLog()
  const refusals = new RefusalLog(log, { windowMs: 60_000, perRemote: 5, total: 50, namedInSummary: 3, now: () => clock })
  for (let peer = 0; peer < 2000; peer++) {
    for (let i = 0; i < (peer < 3 ? 100 : 2); i++) refusals.refused(`peer-${peer}`, 'BAD_SIGNATURE', `refused request from peer-${peer}`)
  }
  assert.equal(log.lines.length, 50, 'no more than the total in full')
  clock += 60_000
  refusals.flush()
  const summaries = log.lines.slice(50).map(line => line.message)
  assert.equal(summaries.length, 4)
  assert.match(summaries[0] ?? '', /^backup: 95 more refused request\(s\) from peer-0 in the last minute \(BAD_SIGNATURE ×95\)$/)
  assert.match(summaries[3] ?? '', /more refused request\(s\) from .*other.* peers in the last minute/)
  const counted = summaries.reduce((sum, line) => sum + Number(/(\d+) more/.exec(line)?.[1] ?? 0), 0)
  assert.equal(counted + 50, 3 * 100 + 1997 * 2, 'every refusal is logged or counted')
})
