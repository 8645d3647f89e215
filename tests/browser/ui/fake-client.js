// A fake, in-memory RpcClient (core/rpc/api.ts) for LOOKING at the UI without
// the real node. A review tool only: web/ never imports it, and nothing here
// is secure or persistent. Plain JS on purpose: sw/tsconfig.json type-checks
// tests/browser with worker libs, and this file needs the DOM.
import { CairnError } from '../../../core/errors.ts'
import { createFakeNetwork } from './fake-network.js'

const WORDS = 'orbit canal maple tender silver humble quarter pilot museum garden velvet anchor ' +
  'ribbon tunnel ladder copper smile forest echo marble window lunar basket thunder'

/** Options: { state: 'none'|'locked'|'unlocked', files: FileInfo[], logs: number, slowUploadMs, backup: 'none'|'sample', network: 'none'|'sample' } */
export function createFakeClient (options = {}) {
  let state = options.state ?? 'none'
  let passphrase = 'correct horse battery staple orbit'
  let autoLockMinutes = 15
  let files = [...(options.files ?? [])]
  const listeners = new Map()
  let seq = 0
  const logs = []

  const emit = (event, data) => { for (const l of listeners.get(event) ?? []) l(data) }
  const status = () => ({ state, autoLockMinutes })
  const log = (level, source, message) => {
    const line = { seq: ++seq, time: Date.now(), level, source, message }
    logs.push(line)
    emit('log', line)
  }
  for (let i = 0; i < (options.logs ?? 0); i++) {
    const levels = ['debug', 'info', 'info', 'warn', 'error']
    log(levels[i % 5], ['vault', 'libp2p', 'blockstore', 'sync'][i % 4], `sample log line ${i + 1}${i % 7 === 0 ? ' with a rather long message that wraps on narrow screens to show how it looks' : ''}`)
  }
  const wait = (ms) => new Promise(resolve => setTimeout(resolve, ms))
  const needUnlocked = () => { if (state !== 'unlocked') throw new CairnError('VAULT_LOCKED', 'locked') }
  const check = (p) => {
    const reasons = []
    if (p.length < 12) reasons.push('Use at least 12 characters')
    if (!/\s/.test(p) && p.length < 20) reasons.push('A few unrelated words are easier to remember and harder to guess')
    const score = Math.min(4, Math.floor(p.length / 6))
    const acceptable = score >= 3 && reasons.length === 0
    return { score, acceptable, reasons, suggestions: acceptable ? [] : ['Add another word or two.'], ...(acceptable ? {} : { example: 'orbit canal maple tender silver' }) }
  }

  const handlers = {
    'vault.status': async () => status(),
    'vault.checkPassphrase': async ({ passphrase: p }) => check(p),
    'vault.create': async ({ passphrase: p }) => {
      await wait(600)
      passphrase = p
      state = 'unlocked'
      emit('vault.status', status())
      return { recoveryPhrase: WORDS }
    },
    'vault.unlock': async ({ passphrase: p }) => {
      await wait(300)
      if (p !== passphrase) throw new CairnError('WRONG_PASSPHRASE', 'wrong')
      state = 'unlocked'
      emit('vault.status', status())
      return status()
    },
    'vault.recover': async ({ recoveryPhrase, newPassphrase }) => {
      await wait(300)
      if (recoveryPhrase.split(' ').length !== 24) throw new CairnError('BAD_RECOVERY_PHRASE', 'bad')
      if (recoveryPhrase !== WORDS) throw new CairnError('WRONG_RECOVERY_PHRASE', 'wrong')
      passphrase = newPassphrase
      state = 'unlocked'
      emit('vault.status', status())
      return status()
    },
    'vault.lock': async () => { state = 'locked'; emit('vault.status', status()); return status() },
    'vault.changePassphrase': async ({ currentPassphrase, newPassphrase }) => {
      if (currentPassphrase !== passphrase) throw new CairnError('WRONG_PASSPHRASE', 'wrong')
      passphrase = newPassphrase
    },
    'vault.revealRecoveryPhrase': async ({ passphrase: p }) => {
      if (p !== passphrase) throw new CairnError('WRONG_PASSPHRASE', 'wrong')
      return { recoveryPhrase: WORDS }
    },
    'vault.setAutoLock': async ({ minutes }) => { autoLockMinutes = minutes; emit('vault.status', status()); return status() },
    'vault.confirmRecoveryPhrase': async () => { needUnlocked(); return status() },
    'vault.activity': async () => {},
    'files.list': async () => { needUnlocked(); return [...files] },
    'files.add': async ({ uploadId, file, path }) => {
      needUnlocked()
      const target = path ?? file.name
      if (file.name.includes('huge')) {
        await wait(400)
        throw new CairnError('QUOTA_EXCEEDED', 'full')
      }
      const dup = files.find(f => f.size === file.size && f.size > 0)
      const steps = 8
      for (let i = 1; i <= steps; i++) {
        await wait(options.slowUploadMs ?? 120)
        emit('upload.progress', { uploadId, bytesDone: Math.round(file.size * i / steps), bytesTotal: file.size, phase: 'encrypting' })
      }
      const info = { fileId: crypto.randomUUID(), path: target, size: file.size, mtime: file.lastModified, type: file.type, cid: 'bafyfake' }
      files = [...files.filter(f => f.path !== target), info]
      emit('files.changed', undefined)
      log('info', 'vault', `added ${target}`)
      return { file: info, deduplicated: dup !== undefined }
    },
    'files.rename': async ({ fileId, path }) => {
      if (path.endsWith('/') || path === '') throw new CairnError('PATH_INVALID', 'bad')
      const f = files.find(x => x.fileId === fileId)
      if (!f) throw new CairnError('FILE_NOT_FOUND', 'gone')
      const next = { ...f, path }
      files = files.map(x => x.fileId === fileId ? next : x)
      emit('files.changed', undefined)
      return next
    },
    'files.delete': async ({ fileId }) => { files = files.filter(f => f.fileId !== fileId); emit('files.changed', undefined) },
    'stats.get': async () => ({ fileCount: files.length, plaintextBytes: files.reduce((s, f) => s + f.size, 0), storedBytes: Math.round(files.reduce((s, f) => s + f.size, 0) * 1.01) }),
    'node.info': async () => ({ peerId: '12D3KooWRfakePeerIdForTheVisualReviewHarnessOnly9aBcD', multiaddrs: [], connections: 0 }),
    'logs.recent': async () => [...logs],
    ...createFakeNetwork({
      emit,
      wait,
      words: WORDS,
      sampleFiles,
      getFiles: () => files,
      setFiles: (next) => { files = next },
      setState: (next, p) => {
        state = next
        passphrase = p
        emit('vault.status', status())
        return status()
      }
    }, options)
  }

  return {
    async call (method, args) {
      const handler = handlers[method]
      if (!handler) throw new CairnError('RPC_UNKNOWN_METHOD', method)
      return await handler(args)
    },
    on (event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event).add(listener)
      return () => listeners.get(event).delete(listener)
    },
    /** Review-only: pretend the worker's idle timer fired. */
    autoLock () { state = 'locked'; emit('vault.status', status()) }
  }
}

/** A few plausible files for screenshots. */
export function sampleFiles () {
  const day = 86_400_000
  const now = Date.UTC(2026, 2, 14, 10, 30)
  const f = (path, size, ago, type) => ({ fileId: path, path, size, mtime: now - ago * day, type, cid: 'bafyfake' })
  return [
    { ...f('tax-return-2025.pdf', 845_221, 12, 'application/pdf'), onBackup: true },
    f('photos/holiday/beach.jpg', 4_212_300, 200, 'image/jpeg'),
    f('photos/holiday/sunset.jpg', 3_998_001, 199, 'image/jpeg'),
    f('Résumé – 日本語 ✓.txt', 12_345, 3, 'text/plain'),
    { ...f('notes.md', 2_048, 0.2, 'text/markdown'), onBackup: true },
    f('backup/keys-old.tar.gz', 120_000_000, 400, 'application/gzip'),
    f('empty.dat', 0, 30, '')
  ]
}
