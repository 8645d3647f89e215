import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { readStart } from '../../../web/share/share-preview.tsx'

const realFetch = globalThis.fetch

describe('the text preview reads only the file', () => {
  afterEach(() => { globalThis.fetch = realFetch })

  // The viewer showed the service worker's error page (its HTML source) as the file's text
  // when the download answered 404, e.g. for a file another device deleted meanwhile.
  it('an error answer is an error, not text to show', async () => {
    globalThis.fetch = async () => new Response('<!doctype html><title>Not found</title><p>File not found', { status: 404, headers: { 'content-type': 'text/html' } })
    await assert.rejects(readStart('/download/gone', new AbortController().signal), /404/)
  })

  it('a good answer gives its first bytes as text', async () => {
    globalThis.fetch = async () => new Response('hello, world', { status: 200 })
    assert.equal(await readStart('/download/x', new AbortController().signal), 'hello, world')
  })
})
