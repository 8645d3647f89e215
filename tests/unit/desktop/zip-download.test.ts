import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { zipDownloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { readZip } from '../../e2e/support/zip-reader.ts'
import { hashTag, startVault, type Cleanups } from '../vault/share-test-support.ts'
import { launchCookie, startTestServer } from './app-server-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

describe('desktop zip download', () => {
  it('the daemon streams a folder as one zip, with the cookie, of the exact announced length', async () => {
    const { vault } = await startVault(cleanups, hashTag, () => 0)
    await vault.files().add({ file: new Blob(['one']), path: 'trip/a.txt', mtime: 0, type: 'text/plain' })
    await vault.files().add({ file: new Blob(['two']), path: 'trip/sub/b.txt', mtime: 0, type: 'text/plain' })
    await vault.files().add({ file: new Blob(['not in it']), path: 'other.txt', mtime: 0, type: 'text/plain' })
    const test = await startTestServer({}, vault)
    cleanups.push(test.close)
    const url = `${test.server.origin}${zipDownloadUrl('trip')}`
    assert.equal((await fetch(url)).status, 403)
    const response = await fetch(url, { headers: { cookie: await launchCookie(test.server) } })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/zip')
    assert.match(response.headers.get('content-disposition') ?? '', /filename="trip\.zip"/)
    const bytes = new Uint8Array(await response.arrayBuffer())
    assert.equal(bytes.length, Number(response.headers.get('content-length')))
    assert.deepEqual(readZip(bytes).map(e => [e.name, new TextDecoder().decode(e.bytes)]), [['a.txt', 'one'], ['sub/b.txt', 'two']])
  })
})
