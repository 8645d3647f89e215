import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startHttpEndpoints, type HttpEndpoints } from '../../../relay-server/relay/http-server.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'

describe('relay HTTP endpoints: security headers', () => {
  let endpoints: HttpEndpoints
  before(async () => {
    endpoints = await startHttpEndpoints({
      host: '127.0.0.1',
      port: 0,
      version: '0.0.0-test',
      ping: () => ({ service: 'cairn-relay', version: '0.0.0-test', peerId: 'x', multiaddrs: [], capabilities: [], limits: {} }),
      log: createLogger({ level: 'silent' })
    })
  })
  after(async () => { await endpoints.close() })

  for (const path of ['/health', '/ping', '/nothing-here']) {
    it(`${path}: nothing in it may run, be framed or be sniffed`, async () => {
      const response = await fetch(`${endpoints.url}${path}`)
      await response.arrayBuffer()
      assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'")
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer')
      // Still readable by the app on another origin.
      assert.equal(response.headers.get('access-control-allow-origin'), '*')
    })
  }
})
