import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { isCairnError } from '../../../core/errors.ts'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import { SyncBudget } from '../../../core/protocols/sync/budget.ts'
import { answerSync, deriveSyncKey, type SyncSessionInit, type SyncSummary } from '../../../core/protocols/sync/index.ts'
import { helloProof, newNonce } from '../../../core/protocols/sync/hello.ts'
import { CIDS, key } from '../index/fixtures.ts'
import { replica, type Replica } from './support.ts'

const syncKey = deriveSyncKey(key(7))
const KIB = 1024

/** A member of the vault (it holds the key) that opens a session to `victim` and offers `heads`. */
async function hostile (victim: Replica, heads: Record<string, unknown>, init: Partial<SyncSessionInit>): Promise<{ send: (blocks: unknown[]) => Promise<void>, settled: () => boolean, result: Promise<PromiseSettledResult<SyncSummary>>, end: () => void }> {
  const [outbound, inbound] = await streamPair()
  let done = false
  const result = answerSync(inbound, 'devM', { index: victim.log, syncKey, localPeer: victim.deviceId, ...init })
    .then(value => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason }))
    .finally(() => { done = true })
  const lp = jsonStream(outbound, 8 * 1024 * 1024)
  const signal = AbortSignal.timeout(10_000)
  const nonce = newNonce()
  await writeJson(lp, { t: 'hello', v: 1, nonce }, signal)
  const hello = await readJson(lp, signal) as { nonce: string }
  const t = { initiator: 'devM', responder: victim.deviceId, initiatorNonce: nonce, responderNonce: hello.nonce }
  await writeJson(lp, { t: 'proof', proof: helloProof(syncKey, 'initiator', t), heads }, signal)
  await readJson(lp, signal) // the victim's heads
  return {
    send: async (blocks) => { await writeJson(lp, { t: 'blocks', blocks }, signal).catch(() => {}) },
    settled: () => done,
    result,
    end: () => { outbound.abort(new Error('test over')) }
  }
}

/** A block of `bytes` bytes (the victim checks it only when it merges). */
const junk = (i: number, bytes: number): { cid: string, bytes: string } => ({ cid: CIDS[i % CIDS.length] as string, bytes: toBase64(new Uint8Array(bytes).fill(i)) })

/** A head far ahead, as a member may claim for its own chain. */
const AHEAD = { devM: { cid: CIDS[0], seq: 1_000_000, mac: 'AAAA' } }

function refusedWith (result: PromiseSettledResult<unknown>, code: string): boolean {
  return result.status === 'rejected' && isCairnError(result.reason, code as never)
}

describe('/cairn/sync/1: what a paired device can make another hold', () => {
  it('sessions open at once share one budget of held block bytes: past it a session is refused with REQUEST_TOO_LARGE, and ended sessions give their bytes back', async () => {
    const victim = await replica('devA')
    const budget = new SyncBudget(64 * KIB)
    const sessions = await Promise.all([1, 2, 3, 4].map(async () => await hostile(victim, AHEAD, { budget, timeoutMs: 5_000 })))
    try {
      // Each session alone stays far under MAX_SESSION_BLOCK_BYTES: 4 × 32 KiB.
      for (let i = 0; i < 2; i++) for (const s of sessions) await s.send([junk(i, 16 * KIB)])
      const deadline = Date.now() + 3_000
      while (!sessions.some(s => s.settled()) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
      assert.ok(sessions.some(s => s.settled()), 'every session still held its blocks: the node held 128 KiB with a budget of 64 KiB')
      assert.ok(budget.held <= budget.limit, `${budget.held} bytes held, over the budget of ${budget.limit}`)
      const ended = await Promise.all(sessions.filter(s => s.settled()).map(async s => await s.result))
      assert.ok(ended.every(r => refusedWith(r, 'REQUEST_TOO_LARGE')), 'the session past the budget says why')
    } finally {
      for (const s of sessions) s.end()
      await Promise.all(sessions.map(async s => await s.result))
    }
    assert.equal(budget.held, 0, 'ended sessions hold nothing')
  })

  it('blocks sent when no chain offered is ahead are refused at once, not kept until the merge', async () => {
    const victim = await replica('devA')
    const budget = new SyncBudget(1024 * KIB)
    const s = await hostile(victim, {}, { budget, timeoutMs: 5_000 })
    try {
      for (let i = 0; i < 30 && !s.settled(); i++) await s.send([junk(i, 16 * KIB)])
      const result = await Promise.race([s.result, new Promise<undefined>(resolve => setTimeout(resolve, 3_000))])
      assert.ok(result !== undefined, 'the session still held 480 KiB of blocks no chain needs')
      assert.ok(refusedWith(result, 'FORMAT_INVALID'))
    } finally {
      s.end()
      await s.result
    }
  })

  it('no more blocks than the ops the other side offered (each block holds at least one)', async () => {
    const victim = await replica('devA')
    const budget = new SyncBudget(1024 * KIB)
    const s = await hostile(victim, { devM: { cid: CIDS[0], seq: 2, mac: 'AAAA' } }, { budget, timeoutMs: 5_000 })
    try {
      for (let i = 0; i < 30 && !s.settled(); i++) await s.send([junk(i, 16 * KIB)])
      const result = await Promise.race([s.result, new Promise<undefined>(resolve => setTimeout(resolve, 3_000))])
      assert.ok(result !== undefined, 'the session still held 30 blocks for a chain 2 ops ahead')
      assert.ok(refusedWith(result, 'FORMAT_INVALID'))
    } finally {
      s.end()
      await s.result
    }
  })
})
