import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { sha256 } from './support/files-steps.ts'
import { createShareLink, openShareLink, pairBackupPeer } from './support/share-steps.ts'

const MiB = 1024 * 1024

/** What the page got for one fetch of `url` with `range` (none: no Range header). */
interface Answer { status: number, etag: string | null, contentRange: string | null, contentLength: string | null, acceptRanges: string | null, disposition: string | null, csp: string | null, length: number, sha256: string }

async function fetchRange (page: Page, url: string, range?: string, ifRange?: string): Promise<Answer> {
  return await page.evaluate(async ({ url, range, ifRange }) => {
    const headers: Record<string, string> = {}
    if (range !== undefined) headers.Range = range
    if (ifRange !== undefined) headers['If-Range'] = ifRange
    const response = await fetch(url, { headers })
    const body = await response.arrayBuffer()
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
    return {
      status: response.status,
      etag: response.headers.get('etag'),
      contentRange: response.headers.get('content-range'),
      contentLength: response.headers.get('content-length'),
      acceptRanges: response.headers.get('accept-ranges'),
      disposition: response.headers.get('content-disposition'),
      csp: response.headers.get('content-security-policy'),
      length: body.byteLength,
      sha256: Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')
    }
  }, { url, range, ifRange })
}

/**
 * Every Range form against `url`, a download of `content`: each part is
 * exactly those bytes of the file (206, Content-Range, Content-Length), with
 * the file's own headers; past the end 416; several ranges the whole file.
 */
async function expectRangesServed (page: Page, url: string, content: Uint8Array): Promise<void> {
  const size = content.length
  const whole = await fetchRange(page, url)
  expect(whole.status).toBe(200)
  expect(whole.acceptRanges).toBe('bytes')
  expect(whole.sha256).toBe(sha256(content))
  const parts: Array<[string, number, number]> = [
    [`bytes=${MiB - 5}-${MiB + 4}`, MiB - 5, MiB + 5], // across a chunk boundary
    [`bytes=${2 * MiB + 77}-`, 2 * MiB + 77, size], // from the middle of a chunk to the end
    ['bytes=-1000', size - 1000, size], // the last 1000 bytes
    [`bytes=${size - 1}-${size - 1}`, size - 1, size], // the last byte
    [`bytes=100-${MiB + 99}`, 100, MiB + 100]
  ]
  for (const [range, from, to] of parts) {
    const part = await fetchRange(page, url, range)
    expect(part.status, range).toBe(206)
    expect(part.contentRange, range).toBe(`bytes ${from}-${to - 1}/${size}`)
    expect(part.contentLength, range).toBe(String(to - from))
    expect(part.length, range).toBe(to - from)
    expect(part.sha256, range).toBe(sha256(content.subarray(from, to)))
    expect(part.disposition).toBe(whole.disposition)
    expect(part.csp).toBe(whole.csp)
  }
  const past = await fetchRange(page, url, `bytes=${size}-`)
  expect(past.status).toBe(416)
  expect(past.contentRange).toBe(`bytes */${size}`)
  const several = await fetchRange(page, url, 'bytes=0-9,100-109')
  expect(several.status).toBe(200)
  expect(several.sha256).toBe(sha256(content))
  // A download resumed with If-Range: the rest while the tag matches, the whole file for another.
  expect(whole.etag).toMatch(/^"[a-z0-9]+"$/)
  const resumed = await fetchRange(page, url, `bytes=${2 * MiB}-`, whole.etag ?? '')
  expect(resumed.status).toBe(206)
  expect(resumed.sha256).toBe(sha256(content.subarray(2 * MiB)))
  const changed = await fetchRange(page, url, `bytes=${2 * MiB}-`, '"another-content"')
  expect(changed.status).toBe(200)
  expect(changed.sha256).toBe(sha256(content))
}

/** A WAV file (16-bit mono PCM at 44.1 kHz) of `seconds` of a quiet tone: a format the audio element seeks in by byte offset. */
function makeWav (seconds: number): Buffer {
  const rate = 44_100
  const samples = rate * seconds
  const wav = Buffer.alloc(44 + samples * 2)
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + samples * 2, 4); wav.write('WAVE', 8)
  wav.write('fmt ', 12); wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22)
  wav.writeUInt32LE(rate, 24); wav.writeUInt32LE(rate * 2, 28); wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34)
  wav.write('data', 36); wav.writeUInt32LE(samples * 2, 40)
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(2000 * Math.sin(2 * Math.PI * 440 * i / rate)), 44 + 2 * i)
  return wav
}

test('a vault file and a shared file answer Range requests with exactly those bytes; the viewer\'s audio can seek to the end', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  const clip = files.make('clip.bin', 3 * MiB + 1234)
  const content = new Uint8Array(readFileSync(clip.path))
  const wavPath = join(files.dir, 'tone.wav')
  writeFileSync(wavPath, makeWav(40))

  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault('seek to the middle of the tune')
  await app.addFiles([clip.path, wavPath])

  // The viewer's Download link of the file is its /download/… address.
  const viewer = await app.openViewer('clip.bin')
  const url = await viewer.getByRole('link', { name: 'Download clip.bin' }).getAttribute('href') ?? ''
  expect(url).toMatch(/^\/download\/[^/?]+$/)
  await expectRangesServed(app.page, url, content)
  await app.page.keyboard.press('Escape')

  // The audio element: seekable over its whole length (not only what has loaded), and a seek near the end lands there.
  const player = (await app.openViewer('tone.wav')).locator('audio')
  await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThanOrEqual(1)
  const { duration, seekableEnd } = await player.evaluate((a: HTMLAudioElement) => ({ duration: a.duration, seekableEnd: a.seekable.length > 0 ? a.seekable.end(a.seekable.length - 1) : 0 }))
  expect(duration).toBeGreaterThan(39)
  expect(seekableEnd).toBeGreaterThan(duration - 1)
  const landed = await player.evaluate(async (a: HTMLAudioElement) => {
    const seeked = new Promise<void>((resolve) => { a.addEventListener('seeked', () => { resolve() }, { once: true }) })
    a.currentTime = 37
    await seeked
    return a.currentTime
  })
  expect(landed).toBeGreaterThan(36.5)
  await app.page.keyboard.press('Escape')

  // A share link's recipient: the shared copy's download answers ranges the same way.
  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await app.goTo('Files')
  const link = await createShareLink(app, 'clip.bin')
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  await expect(app.page.getByText('On your backup peer')).toHaveCount(1, { timeout: 120_000 })
  const recipient = await launchProfile()
  try {
    const page = await recipient.context.newPage()
    await openShareLink(page, link)
    const download = page.getByRole('link', { name: 'Download clip.bin' })
    await expect(download).toBeVisible({ timeout: 60_000 })
    const shareUrl = await download.getAttribute('href') ?? ''
    expect(shareUrl).toMatch(/^\/download\/share\//)
    await expectRangesServed(page, shareUrl, content)
  } finally {
    await recipient.dispose()
  }
})
