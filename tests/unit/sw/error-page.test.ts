import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../core/security-headers.ts'
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

  it('come with the app\'s own policy: its CSP (frame-ancestors included), nosniff, no referrer', () => {
    const response = errorPage(404, 'File not found', 'This file is no longer in your vault.')
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY)
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(response.headers.get(name), value, name)
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.equal(response.headers.get('x-cairn-stream'), 'error')
  })

  it('escapes quotes as well, so text is safe in an attribute', () => {
    assert.equal(escapeHtml(`a"b'c<d>e&f`), 'a&quot;b&#39;c&lt;d&gt;e&amp;f')
  })
})
