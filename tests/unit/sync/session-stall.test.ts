import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { isCairnError } from '../../../core/errors.ts'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import { answerSync, deriveSyncKey, type SyncSessionInit } from '../../../core/protocols/sync/index.ts'
import { helloProof, newNonce } from '../../../core/protocols/sync/hello.ts'
import { CIDS, key } from '../index/fixtures.ts'
import { replica } from './support.ts'

/**
 * A member that proves itself, then sends `batch` every 100 ms (each within
 * the per-message timeout) until the session it holds open settles.
 * Returns how long that took, or undefined when it was still open after 3 s.
 */
async function stall (batch: unknown[], init: Partial<SyncSessionInit>): Promise<{ ms: number | undefined, error: unknown }> {
  const victim = await replica('devA')
  const syncKey = deriveSyncKey(key(7))
  const [outbound, inbound] = await streamPair()
  const started = Date.now()
  let settled: number | undefined
  let error: unknown
  const session = answerSync(inbound, 'devM', { index: victim.log, syncKey, localPeer: 'devA', ...init })
  void session.then(() => { settled = Date.now() }, (err: unknown) => { settled = Date.now(); error = err })
  const lp = jsonStream(outbound, 8 * 1024 * 1024)
  const signal = AbortSignal.timeout(10_000)
  const nonce = newNonce()
  await writeJson(lp, { t: 'hello', v: 1, nonce }, signal)
  const hello = await readJson(lp, signal) as { nonce: string }
  const t = { initiator: 'devM', responder: 'devA', initiatorNonce: nonce, responderNonce: hello.nonce }
  // A chain far ahead, so the blocks it sends are ones the victim may take.
  await writeJson(lp, { t: 'proof', proof: helloProof(syncKey, 'initiator', t), heads: { devM: { cid: CIDS[0], seq: 1_000_000, mac: 'AAAA' } } }, signal)
  await readJson(lp, signal) // heads
  for (let i = 0; i < 30 && settled === undefined; i++) {
    await writeJson(lp, { t: 'blocks', blocks: batch }, signal).catch(() => {})
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  outbound.abort(new Error('test over'))
  return { ms: settled === undefined ? undefined : settled - started, error }
}

describe('/cairn/sync/1 against a member that stalls', () => {
  it('an empty batch of blocks is refused with FORMAT_INVALID', async () => {
    const { ms, error } = await stall([], { timeoutMs: 300 })
    assert.ok(ms !== undefined, 'the session was still open after 3 s of empty batches (per-message timeout 300 ms)')
    assert.ok(isCairnError(error, 'FORMAT_INVALID'))
  })

  it('tiny batches, each within the per-message timeout, do not hold a session open past its grace', async () => {
    const tiny = [{ cid: CIDS[0], bytes: toBase64(new Uint8Array(16)) }]
    const { ms } = await stall(tiny, { timeoutMs: 300, graceMs: 500 })
    assert.ok(ms !== undefined, 'the session was still open after 3 s of one-block batches (grace 500 ms)')
    assert.ok(ms >= 400, `the session ended after ${ms} ms, before its grace`)
  })
})
