import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../core/security-headers.ts'
import { ERROR_PAGE_DETAIL_ID } from '../../../core/rpc/file-stream-protocol.ts'
import { errorPage, escapeHtml } from '../../../sw/error-page.ts'

describe('service worker error pages', () => {
  it('put message text in as text: markup in it never becomes markup', async () => {
    // An error message may quote a shared file's name, which whoever shared it chose.
    const hostile = 'Could not read "<img src=x onerror=alert(1)>.pdf" </p><script>alert(2)</script>'
    const response = errorPage(500, 'Download <b>failed</b> & more', hostile)
    const html = await response.text()
    assert.equal(response.status, 500)
    assert.ok(!html.includes('<img'), html)
    assert.ok(!html.includes('<script'), html)
    assert.ok(!html.includes('<b>'), html)
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;.pdf'), html)
    assert.ok(html.includes('<h1>Download &lt;b&gt;failed&lt;/b&gt; &amp; more</h1>'), html)
    assert.ok(html.includes('<a href="/">Back to Cairn</a>'))
  })

  it('come with the app\'s own policy, except that the app\'s own pages may frame them and no other origin may', () => {
    const response = errorPage(404, 'File not found', 'This file is no longer in your vault.')
    const csp = (response.headers.get('content-security-policy') ?? '').split(';').map(d => d.trim())
    // Same origin yes (a download in a hidden frame reads why it failed), others no.
    assert.deepEqual(csp.filter(d => d.startsWith('frame-ancestors')), ["frame-ancestors 'self'"])
    assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN')
    // Every other directive and header is the app's own.
    const app = CONTENT_SECURITY_POLICY.split(';').map(d => d.trim())
    assert.deepEqual(csp.filter(d => !d.startsWith('frame-ancestors')), app.filter(d => !d.startsWith('frame-ancestors')))
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (name !== 'Content-Security-Policy' && name !== 'X-Frame-Options') assert.equal(response.headers.get(name), value, name)
    }
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.equal(response.headers.get('x-cairn-stream'), 'error')
  })

  it('mark the sentence so the page that framed a failed download can read it', async () => {
    const html = await errorPage(404, 'File not found', 'This file is no longer in your vault.').text()
    assert.ok(html.includes(`<p id="${ERROR_PAGE_DETAIL_ID}">This file is no longer in your vault.</p>`), html)
  })

  it('escapes quotes as well, so text is safe in an attribute', () => {
    assert.equal(escapeHtml(`a"b'c<d>e&f`), 'a&quot;b&#39;c&lt;d&gt;e&amp;f')
  })
})
