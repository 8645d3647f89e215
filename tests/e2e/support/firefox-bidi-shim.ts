import { spawn } from 'node:child_process'
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { WebSocket, WebSocketServer } from 'ws'
import { downloadFromResponse, eventFromPreload, PAGE_PRELOAD, inlineEvaluations, isOptionalCommand, optionalSuccess } from './firefox-bidi-compat.ts'

/**
 * Stands in for Firefox's executable when Playwright launches it (firefox.ts):
 * starts the real Firefox (CAIRN_FIREFOX_REAL) with the same arguments and
 * sits between Playwright and Firefox's WebDriver BiDi socket, so that
 * Playwright 1.64 can drive Firefox ESR 140 (firefox-bidi-compat.ts says
 * what 140 lacks). Where Firefox does not know `browser.setDownloadBehavior`,
 * it saves downloads into a folder of the profile (set by prefs below), and
 * the shim hands each finished one to Playwright as `downloadEnd`.
 */
const LISTENING = /WebDriver BiDi listening on (ws:\/\/\S+)/

const real = process.env.CAIRN_FIREFOX_REAL
if (real === undefined) throw new Error('CAIRN_FIREFOX_REAL is not set')
const args = process.argv.slice(2)
const profile = args[args.indexOf('--profile') + 1]
const savedTo = join(profile ?? '.', 'cairn-downloads')
if (profile !== undefined) {
  mkdirSync(savedTo, { recursive: true })
  const prefs: Record<string, string | number | boolean> = {
    'browser.download.folderList': 2,
    'browser.download.dir': savedTo,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.manager.showWhenStarting': false,
    'browser.download.alwaysOpenPanel': false
  }
  appendFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`).join(''))
}

const child = spawn(real, args, { stdio: ['ignore', 'inherit', 'pipe'] })
child.on('exit', (code, signal) => { process.exit(code ?? (signal !== null ? 1 : 0)) })
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => { child.kill(signal) })
}

interface Pending { params: { context?: string, navigation?: string, url?: string, suggestedFilename?: string }, send: (text: string) => void }

const downloads = {
  emulate: false,
  destination: undefined as string | undefined,
  pending: [] as Pending[],
  claimed: new Set<string>(),
  /** Size of each finished-looking file at the last poll: a file counts once it has not changed for one poll. */
  seen: new Map<string, number>(),
  timer: undefined as NodeJS.Timeout | undefined
}

/** Hands each finished file in the profile's download folder to the oldest download waiting for one. */
function pollDownloads (): void {
  if (downloads.pending.length === 0) {
    clearInterval(downloads.timer)
    downloads.timer = undefined
    return
  }
  const names = new Set(readdirSync(savedTo))
  // Firefox writes each download to a randomly named `.part` file and puts it in place at the end.
  if ([...names].some((name) => name.endsWith('.part'))) return
  for (const name of names) {
    if (downloads.claimed.has(name)) continue
    const size = statSync(join(savedTo, name)).size
    const before = downloads.seen.get(name)
    downloads.seen.set(name, size)
    if (before !== size) continue
    const waiting = downloads.pending.shift()
    if (waiting === undefined) return
    downloads.claimed.add(name)
    const wanted = waiting.params.suggestedFilename ?? name
    const filepath = downloads.destination !== undefined ? join(downloads.destination, wanted) : join(savedTo, name)
    if (downloads.destination !== undefined) copyFileSync(join(savedTo, name), filepath)
    waiting.send(JSON.stringify({
      type: 'event',
      method: 'browsingContext.downloadEnd',
      params: { ...waiting.params, status: 'complete', filepath, timestamp: Date.now(), size: statSync(filepath).size }
    }))
  }
}

const server = createServer()
const wss = new WebSocketServer({ server })
let upstream: string | undefined

wss.on('connection', (client, request) => {
  const firefox = new WebSocket(`${upstream ?? ''}${request.url ?? ''}`, { maxPayload: 1 << 30 })
  const optional = new Map<number, string>()
  const held: string[] = []
  const send = (text: string): void => { client.send(text) }
  client.on('message', (data) => {
    let text = data.toString()
    try {
      const message = JSON.parse(text) as { id?: number, method?: string, params?: Record<string, unknown> }
      const method = message.method ?? ''
      if (typeof message.id === 'number' && isOptionalCommand(method)) optional.set(message.id, method)
      if (method === 'browser.setDownloadBehavior') {
        const behavior = message.params?.downloadBehavior as { type?: string, destinationFolder?: string } | undefined
        downloads.destination = behavior?.type === 'allowed' ? behavior.destinationFolder : undefined
      }
      if (method === 'script.callFunction' && message.params !== undefined) {
        inlineEvaluations(message.params)
        text = JSON.stringify(message)
      }
    } catch {}
    toFirefox(text)
  })
  /** The id of the shim's own command (Playwright counts up from 1), whose answer Playwright must not see. */
  const OWN_ID = 2 ** 40
  const toFirefox = (text: string): void => {
    if (firefox.readyState === WebSocket.OPEN) firefox.send(text)
    else held.push(text)
    if (text.includes('"session.subscribe"')) {
      toFirefox(JSON.stringify({ id: OWN_ID, method: 'script.addPreloadScript', params: PAGE_PRELOAD }))
    }
  }
  firefox.on('open', () => { for (const text of held.splice(0)) firefox.send(text) })
  firefox.on('message', (data) => {
    let text = data.toString()
    try {
      const answer = JSON.parse(text) as { id?: number, type?: string, error?: string, method?: string, params?: Pending['params'] }
      if (typeof answer.id === 'number' && answer.id === OWN_ID) return
      if (answer.method === 'script.message') {
        const event = eventFromPreload(answer.params as Parameters<typeof eventFromPreload>[0])
        if (event !== undefined) {
          client.send(event)
          return
        }
      }
      const method = typeof answer.id === 'number' ? optional.get(answer.id) : undefined
      if (method !== undefined && typeof answer.id === 'number') {
        optional.delete(answer.id)
        if (answer.type === 'error' && answer.error === 'unknown command') {
          text = optionalSuccess(answer.id, method)
          if (method === 'browser.setDownloadBehavior') downloads.emulate = true
        }
      }
      const download = downloads.emulate && answer.method === 'network.responseStarted' ? downloadFromResponse(answer.params as Parameters<typeof downloadFromResponse>[0]) : undefined
      if (download !== undefined) {
        client.send(text)
        client.send(JSON.stringify({ type: 'event', method: 'browsingContext.downloadWillBegin', params: download }))
        downloads.pending.push({ params: download, send })
        downloads.timer ??= setInterval(pollDownloads, 100)
        return
      }
    } catch {}
    client.send(text)
  })
  firefox.on('close', () => { client.close() })
  firefox.on('error', () => { client.close() })
  client.on('close', () => { firefox.close() })
})

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  const lines = createInterface({ input: child.stderr })
  lines.on('line', (line) => {
    const match = LISTENING.exec(line)
    if (match === null) {
      process.stderr.write(`${line}\n`)
      return
    }
    upstream = match[1]
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${port}\n`)
  })
})

if (!existsSync(real)) throw new Error(`${real} does not exist`)
