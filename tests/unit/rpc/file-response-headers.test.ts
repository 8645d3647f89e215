import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { fileResponseHeaders } from '../../../core/rpc/file-response-headers.ts'

const directives = (csp: string | undefined): string[] => (csp ?? '').split(';').map(d => d.trim())

describe('headers of a streamed file', () => {
  for (const type of ['application/pdf', 'image/png', 'text/plain', 'video/mp4', 'audio/ogg', 'text/html', 'application/octet-stream']) {
    for (const disposition of ['preview', 'attachment'] as const) {
      it(`${type} as ${disposition}: sandboxed, no script, never sniffed`, () => {
        const headers = fileResponseHeaders({ name: 'a file', size: 3, type }, disposition)
        const csp = directives(headers['Content-Security-Policy'])
        assert.ok(csp.includes('sandbox'), `${type}: ${headers['Content-Security-Policy']}`)
        assert.ok(csp.includes("default-src 'none'"))
        assert.equal(headers['X-Content-Type-Options'], 'nosniff')
      })
    }
  }

  it('shows a PDF inline only as a preview, and never HTML', () => {
    assert.match(fileResponseHeaders({ name: 'a.pdf', size: 3, type: 'application/pdf' }, 'preview')['Content-Disposition'] ?? '', /^inline;/)
    assert.match(fileResponseHeaders({ name: 'a.pdf', size: 3, type: 'application/pdf' }, 'attachment')['Content-Disposition'] ?? '', /^attachment;/)
    assert.match(fileResponseHeaders({ name: 'a.html', size: 3, type: 'text/html' }, 'preview')['Content-Disposition'] ?? '', /^attachment;/)
  })
})
