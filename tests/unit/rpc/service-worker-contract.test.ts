import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { readFromServiceWorker, readToServiceWorker, type ToServiceWorker } from '../../../core/rpc/service-worker-messages.ts'
import {
  SHARE_TARGET_PATH, downloadUrl, fileIdOfDownloadPath, isDownloadPath, isShareDownloadPath,
  parseSharedFilesHash, shareDownloadUrl, sharedFilesHash, tokenOfShareDownloadPath, versionOfDownloadUrl,
  isZipDownloadPath, zipDownloadUrl, zipRequestOf
} from '../../../core/rpc/service-worker-urls.ts'

test('a zip URL names its folder and picks, and parses back; it is under the download route', () => {
  const url = new URL(zipDownloadUrl('trip & co/2024', ['a b.txt', 'sub/c?.jpg']), 'https://cairn.test')
  assert.ok(isZipDownloadPath(url.pathname) && isDownloadPath(url.pathname) && !isShareDownloadPath(url.pathname))
  assert.deepEqual(zipRequestOf(url), { folder: 'trip & co/2024', picks: ['a b.txt', 'sub/c?.jpg'] })
  assert.deepEqual(zipRequestOf(new URL(zipDownloadUrl(''), 'https://cairn.test')), { folder: '', picks: [] })
  assert.ok(!isZipDownloadPath(downloadUrl('zip-file-id')))
})

test('download URLs parse back to what built them', () => {
  const url = downloadUrl('a/b c')
  assert.equal(url, '/download/a%2Fb%20c')
  assert.ok(isDownloadPath(url) && !isShareDownloadPath(url))
  assert.equal(fileIdOfDownloadPath(url), 'a/b c')
  const share = new URL(shareDownloadUrl('tok', true, 2), 'https://cairn.test')
  assert.ok(isShareDownloadPath(share.pathname))
  assert.equal(tokenOfShareDownloadPath(share.pathname), 'tok/2')
  assert.ok(share.searchParams.has('inline'))
})

test('a conflict copy\'s download URL carries its versionId; the file\'s does not', () => {
  const copy = new URL(downloadUrl('f 1', 'v/2'), 'https://cairn.test')
  assert.equal(fileIdOfDownloadPath(copy.pathname), 'f 1')
  assert.equal(versionOfDownloadUrl(copy), 'v/2')
  assert.equal(versionOfDownloadUrl(new URL(downloadUrl('f 1'), 'https://cairn.test')), undefined)
})

test('the shared-files hash parses back; any other hash is not one', () => {
  assert.equal(parseSharedFilesHash(sharedFilesHash('0f3a-9')), '0f3a-9')
  assert.equal(parseSharedFilesHash('#/files'), undefined)
  assert.equal(parseSharedFilesHash('#/shared-files/a/b'), undefined)
})

test('the manifest names the share target the service worker answers', async () => {
  const manifest = JSON.parse(await readFile(new URL('../../../public/manifest.webmanifest', import.meta.url), 'utf8')) as { share_target: { action: string } }
  assert.equal(manifest.share_target.action, SHARE_TARGET_PATH)
})

const kindOf = (m: ToServiceWorker | undefined): string | undefined => m !== undefined && 'kind' in m ? m.kind : undefined

test('the service worker reads only well-formed messages', () => {
  const { port1 } = new MessageChannel()
  try {
    assert.deepEqual(readToServiceWorker({ type: 'SKIP_WAITING' }), { type: 'SKIP_WAITING' })
    assert.deepEqual(readToServiceWorker({ kind: 'shared-files-take', id: 'x' }), { kind: 'shared-files-take', id: 'x' })
    assert.deepEqual(readToServiceWorker({ kind: 'share-token', token: 't' }), { kind: 'share-token', token: 't' })
    assert.equal(kindOf(readToServiceWorker({ kind: 'download-port', requestId: 'r', port: port1 })), 'download-port')
    assert.equal(kindOf(readToServiceWorker({ kind: 'node-port-offer', port: port1 })), 'node-port-offer')
    assert.equal(readToServiceWorker({ kind: 'node-port-offer', port: {} }), undefined)
    assert.equal(readToServiceWorker({ kind: 'download-port', requestId: 1, port: port1 }), undefined)
    assert.equal(readToServiceWorker({ kind: 'share-token' }), undefined)
    assert.equal(readToServiceWorker({ kind: 'call' }), undefined)
    assert.equal(readToServiceWorker(null), undefined)
    assert.equal(readToServiceWorker('node-leader'), undefined)
  } finally { port1.close() }
})

test('a page reads only well-formed messages from the service worker', () => {
  const { port1 } = new MessageChannel()
  try {
    assert.deepEqual(readFromServiceWorker({ kind: 'download-open', requestId: 'r', fileId: 'f' }), { kind: 'download-open', requestId: 'r', fileId: 'f' })
    assert.deepEqual(readFromServiceWorker({ kind: 'share-download-open', requestId: 'r', token: 't' }), { kind: 'share-download-open', requestId: 'r', token: 't' })
    assert.equal(readFromServiceWorker({ kind: 'node-port', port: port1 })?.kind, 'node-port')
    assert.equal(readFromServiceWorker({ kind: 'download-open', requestId: 'r' }), undefined)
    assert.deepEqual(readFromServiceWorker({ kind: 'download-open', requestId: 'r', fileId: 'f', versionId: 'v' }), { kind: 'download-open', requestId: 'r', fileId: 'f', versionId: 'v' })
    assert.equal(readFromServiceWorker({ kind: 'download-open', requestId: 'r', fileId: 'f', versionId: 7 }), undefined)
    assert.equal(readFromServiceWorker({ kind: 'node-port' }), undefined)
    assert.equal(readFromServiceWorker({ kind: 'share-token', token: 't' }), undefined)
    assert.deepEqual(readFromServiceWorker({ kind: 'zip-open', requestId: 'r', folder: 'a', picks: ['b', 'c/d'] }), { kind: 'zip-open', requestId: 'r', folder: 'a', picks: ['b', 'c/d'] })
    assert.equal(readFromServiceWorker({ kind: 'zip-open', requestId: 'r', folder: 'a', picks: [1] }), undefined)
    assert.equal(readFromServiceWorker({ kind: 'zip-open', requestId: 'r', picks: [] }), undefined)
  } finally { port1.close() }
})
