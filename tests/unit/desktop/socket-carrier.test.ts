import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { CairnError } from '../../../core/errors.ts'
import { createRpcClient } from '../../../core/rpc/rpc-client.ts'
import type { SocketLike } from '../../../web/connection/socket-carrier.ts'
import { waitFor } from '../support/polling.ts'
import { launchCookie, pageCarrier, pageSocket, startTestServer, type TestAppServer } from './app-server-support.ts'

const hasCode = (code: string) => (err: unknown): boolean => err instanceof CairnError && err.code === code

describe('the page\'s socket carrier to the desktop daemon', () => {
  let test: TestAppServer | undefined
  afterEach(async () => { await test?.close(); test = undefined })

  it('a dropped line answers the calls in flight with NODE_UNAVAILABLE, and calls while it is down fail at once', async () => {
    test = await startTestServer({ 'network.ping': async () => await new Promise<never>(() => {}), 'vault.activity': async () => {} })
    const cookie = await launchCookie(test.server)
    const attempts: number[] = []
    const client = createRpcClient(pageCarrier(test.server, cookie, { wait: async (attempt) => { attempts.push(attempt); await new Promise<void>(() => {}) } }), 'page')
    await client.call('vault.activity', undefined)
    const pending = assert.rejects(client.call('network.ping', { peerId: 'p' }), hasCode('NODE_UNAVAILABLE'))
    await test.close()
    test = undefined
    await pending
    await assert.rejects(client.call('vault.activity', undefined), hasCode('NODE_UNAVAILABLE'))
    assert.deepEqual(attempts, [1], 'it waits to try again')
  })

  it('reconnects after the line drops, and calls work again', async () => {
    test = await startTestServer({ 'network.ping': async ({ peerId }) => ({ latencyMs: peerId.length }) })
    const server = test.server
    const cookie = await launchCookie(server)
    const sockets: SocketLike[] = []
    let retry = (): void => {}
    const retried = new Promise<void>((resolve) => { retry = resolve })
    let waits = 0
    const client = createRpcClient(pageCarrier(server, cookie, {
      open: (challenge) => { const socket = pageSocket(server, { origin: server.origin, cookie }, challenge); sockets.push(socket); return socket },
      // One quick retry; later ones (after afterEach closes the server) wait forever
      // instead of redialling a closed port in a tight loop that keeps the process alive.
      wait: async () => { waits += 1; retry(); if (waits > 1) await new Promise<never>(() => {}) }
    }), 'page')
    assert.deepEqual(await client.call('network.ping', { peerId: 'ab' }), { latencyMs: 2 })
    ;(sockets[0] as unknown as { terminate: () => void }).terminate()
    await retried
    await waitFor(async () => await client.call('network.ping', { peerId: 'abc' }).then(({ latencyMs }) => latencyMs === 3, () => false), 5000, 'calls to work again')
    assert.equal(sockets.length, 2)
  })

  it('a window without the launch cookie gets DESKTOP_NOT_LAUNCHED and stops trying', async () => {
    test = await startTestServer({ 'vault.activity': async () => {} })
    let waited = false
    const client = createRpcClient(pageCarrier(test.server, undefined, { wait: async () => { waited = true } }), 'page')
    await assert.rejects(client.call('vault.activity', undefined), hasCode('DESKTOP_NOT_LAUNCHED'))
    await assert.rejects(client.call('vault.activity', undefined), hasCode('DESKTOP_NOT_LAUNCHED'))
    assert.equal(waited, false)
  })

  it('a window whose cookie is from an earlier launch gets DESKTOP_NOT_LAUNCHED', async () => {
    const earlier = await startTestServer({})
    const stale = await launchCookie(earlier.server)
    await earlier.close()
    test = await startTestServer({ 'vault.activity': async () => {} })
    const client = createRpcClient(pageCarrier(test.server, stale), 'page')
    await assert.rejects(client.call('vault.activity', undefined), hasCode('DESKTOP_NOT_LAUNCHED'))
  })
})
