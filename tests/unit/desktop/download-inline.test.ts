import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import { launchCookie, startTestServer, type TestAppServer } from './app-server-support.ts'

const BODY = 'Plant the beans after the frost.\n'

/** A vault with one text file and one HTML file: what the daemon's download route reads. */
const vault = {
  status: () => ({ state: 'unlocked' }),
  files: () => ({
    reader: (fileId: string) => ({
      info: { fileId, path: fileId === 'page' ? 'notes/page.html' : 'notes/beans.txt', size: BODY.length, type: fileId === 'page' ? 'text/html' : 'text/plain' },
      read: () => new Blob([BODY]).stream()
    })
  })
} as unknown as VaultService

describe('the desktop daemon serves the viewer its previews', () => {
  let test: TestAppServer | undefined
  afterEach(async () => { await test?.close(); test = undefined })

  it('answers ?inline with an inline, sandboxed response; a download stays an attachment; HTML is never inline', async () => {
    test = await startTestServer({}, vault)
    const headers = { cookie: await launchCookie(test.server) }
    const inline = await fetch(`${test.server.origin}/download/beans?inline`, { headers })
    assert.equal(inline.status, 200)
    assert.match(inline.headers.get('content-disposition') ?? '', /^inline;/)
    const csp = (inline.headers.get('content-security-policy') ?? '').split(';').map(d => d.trim())
    assert.ok(csp.includes('sandbox') && csp.includes("default-src 'none'"))
    assert.equal(await inline.text(), BODY)
    const download = await fetch(`${test.server.origin}/download/beans`, { headers })
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/)
    await download.arrayBuffer()
    const page = await fetch(`${test.server.origin}/download/page?inline`, { headers })
    assert.match(page.headers.get('content-disposition') ?? '', /^attachment;/)
    await page.arrayBuffer()
  })
})
