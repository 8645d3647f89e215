import { Script } from 'node:vm'

/**
 * What Playwright 1.64's WebDriver BiDi client expects and Firefox ESR 140
 * (Debian bookworm's) lacks, papered over by firefox-bidi-shim.ts. Pure
 * message rewriting, so it stays readable; the shim does the plumbing.
 */

/** Commands Playwright sends that only change what it can observe; "unknown command" to them is made a success. */
const OPTIONAL = new Set(['network.addDataCollector', 'network.removeDataCollector', 'browser.setDownloadBehavior'])

export function isOptionalCommand (method: string): boolean {
  return OPTIONAL.has(method) || method.startsWith('emulation.')
}

/** What an OPTIONAL command answers when Firefox does not know it. */
export function optionalSuccess (id: number, method: string): string {
  const result = method === 'network.addDataCollector' ? { collector: 'cairn-shim' } : {}
  return JSON.stringify({ type: 'success', id, result })
}

const MAX_INLINED = 200_000

/**
 * Playwright runs every evaluation through `globalThis.eval(text)` inside a
 * BiDi sandbox, and Firefox 140 applies the page's CSP to that eval (later
 * Firefox exempts it), so on Cairn's pages (no 'unsafe-eval') every locator
 * action failed. A `script.callFunction` is compiled by the browser itself,
 * CSP or not, so each string argument that parses as an expression is
 * compiled into the call beside it, and the realm's `eval` answers those
 * strings from there (any other string goes to the real eval, as before).
 */
export function inlineEvaluations (params: { functionDeclaration?: unknown, arguments?: unknown }): void {
  if (typeof params.functionDeclaration !== 'string') return
  const candidates = new Set<string>()
  collectStrings(params.arguments, candidates)
  // InjectedScript.extend(source) evals the source wrapped like this (Playwright 1.64).
  for (const text of [...candidates]) candidates.add(`\n    (() => {\n      const module = {};\n      ${text}\n      return module.exports.default();\n    })()`)
  const entries: string[] = []
  for (const text of candidates) {
    if (text.length > MAX_INLINED || !parsesAsExpression(text)) continue
    entries.push(`[${JSON.stringify(text)}, () => (${text}\n)]`)
  }
  if (entries.length === 0) return
  const prelude = 'const __cairnG = globalThis;' +
    'if (__cairnG.__cairnEval === undefined) {' +
    ' const real = __cairnG.eval; const known = new Map();' +
    ' const fake = (text) => known.has(text) ? known.get(text)() : real(text);' +
    ' __cairnG.__cairnEval = known; __cairnG.eval = fake;' +
    '}' +
    `for (const [text, thunk] of [${entries.join(',')}]) __cairnG.__cairnEval.set(text, thunk);`
  params.functionDeclaration = `function (...__cairnArgs) { ${prelude} return (${params.functionDeclaration}\n).apply(this, __cairnArgs) }`
}

function collectStrings (value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into)
    return
  }
  if (value === null || typeof value !== 'object') return
  const record = value as { type?: unknown, value?: unknown }
  if (record.type === 'string' && typeof record.value === 'string') {
    into.add(record.value)
    return
  }
  for (const item of Object.values(record)) collectStrings(item, into)
}

function parsesAsExpression (text: string): boolean {
  if (text.trim() === '') return false
  try {
    new Script(`(${text}\n)`) // compiles only, to check the syntax
    return true
  } catch {
    return false
  }
}

/** The channels of the preload script below. */
export const FILE_DIALOG_CHANNEL = 'cairn-shim-file-dialog'
export const HISTORY_CHANNEL = 'cairn-shim-history'

/**
 * Firefox 140 sends no `input.fileDialogOpened` (so Playwright never saw a file
 * chooser) and no `browsingContext.historyUpdated` (so `page.url()` missed
 * every `history.replaceState`). This preload script (main world) reports a
 * file input's click instead of opening the dialog, which a headless browser
 * cannot use, and each history change; the shim turns the reports into events.
 */
export const PAGE_PRELOAD = {
  functionDeclaration: `(fileDialog, history) => {
    const click = HTMLInputElement.prototype.click
    HTMLInputElement.prototype.click = function () {
      if (this.type === 'file') { fileDialog(this); return }
      return click.call(this)
    }
    for (const name of ['pushState', 'replaceState']) {
      const change = History.prototype[name]
      History.prototype[name] = function (...args) {
        const result = change.apply(this, args)
        history(location.href)
        return result
      }
    }
  }`,
  arguments: [
    { type: 'channel', value: { channel: FILE_DIALOG_CHANNEL, ownership: 'none' } },
    { type: 'channel', value: { channel: HISTORY_CHANNEL, ownership: 'none' } }
  ]
}

/** The event for a `script.message` from the preload script; undefined for another message. */
export function eventFromPreload (params: { channel?: string, data?: { sharedId?: string, value?: unknown }, source?: { context?: string } }): string | undefined {
  const context = params.source?.context
  if (params.channel === FILE_DIALOG_CHANNEL && params.data?.sharedId !== undefined) {
    return JSON.stringify({ type: 'event', method: 'input.fileDialogOpened', params: { context, element: { sharedId: params.data.sharedId }, multiple: true } })
  }
  if (params.channel === HISTORY_CHANNEL && typeof params.data?.value === 'string') {
    return JSON.stringify({ type: 'event', method: 'browsingContext.historyUpdated', params: { context, url: params.data.value, timestamp: Date.now() } })
  }
  return undefined
}

interface ResponseStarted {
  context?: string
  navigation?: string | null
  request?: { url?: string }
  response?: { url?: string, headers?: Array<{ name?: string, value?: { value?: string } }> }
}

/**
 * The `browsingContext.downloadWillBegin` params for a navigation whose
 * response is an attachment (Firefox 140 sends no such event), or undefined.
 */
export function downloadFromResponse (params: ResponseStarted): { context?: string, navigation: string, url: string, suggestedFilename: string, timestamp: number } | undefined {
  if (typeof params.navigation !== 'string') return undefined
  const header = params.response?.headers?.find((h) => h.name?.toLowerCase() === 'content-disposition')?.value?.value
  if (header === undefined || !/^\s*attachment/i.test(header)) return undefined
  const url = params.response?.url ?? params.request?.url ?? ''
  return { context: params.context, navigation: params.navigation, url, suggestedFilename: filenameOf(header, url), timestamp: Date.now() }
}

function filenameOf (header: string, url: string): string {
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1].trim())
    } catch {}
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/i.exec(header)
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim()
  return name !== undefined && name !== '' ? name : (new URL(url, 'http://x/').pathname.split('/').pop() ?? 'download')
}
