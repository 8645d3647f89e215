/**
 * The one source of the app's security policy (docs/deploy.md). The build
 * (vite.config.ts: the `<meta>` CSP in index.html and dist/_headers), every
 * server Cairn runs (scripts/serve-app.ts, Vite dev/preview, the relay's HTTP
 * endpoints) and the service worker's own pages read it from here.
 *
 * Strict CSP: scripts only from us, WebAssembly allowed for hash-wasm, nothing
 * framed, no third-party host ever. connect-src allows ws:/wss: so the node can
 * reach the user's relay and backup peer, and http:/https: for the relay's
 * /ping (the Peers page checks a relay before dialling it). The app itself only
 * ever connects where the user pointed it.
 */
const APP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self'"],
  ['img-src', "'self' blob: data:"],
  ['media-src', "'self' blob:"],
  ['connect-src', "'self' ws: wss: http: https:"],
  ['worker-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'self'"]
]

/**
 * Directives a `<meta>` CSP ignores (CSP3 §3.3: frame-ancestors, report-uri,
 * sandbox); Chromium warns about each, so the meta leaves them out. The
 * header carries frame-ancestors, and web/framed-guard.ts covers a host that
 * sends no headers.
 */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox'])

const join = (directives: ReadonlyArray<readonly [string, string]>): string => directives.map(([name, value]) => `${name} ${value}`).join('; ')

/** The full policy, for the Content-Security-Policy response header. */
export const CONTENT_SECURITY_POLICY = join(APP_DIRECTIVES)

/** The same policy without what a `<meta http-equiv>` ignores, for the built index.html. */
export const META_CONTENT_SECURITY_POLICY = join(APP_DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)))

/** Headers for every response of the app's origin. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Older browsers that ignore frame-ancestors still refuse to frame the app.
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin'
}

/** Headers for a JSON API (the relay's /health and /ping): nothing in it may run, be framed or be sniffed. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer'
}

/**
 * dist/_headers in the format Netlify and Cloudflare Pages read
 * (https://docs.netlify.com/routing/headers/): the security headers for every
 * path, and the service worker script always revalidated so updates arrive.
 */
export function staticHostHeadersFile (): string {
  const lines = ['# Made by the build from core/security-headers.ts; see docs/deploy.md.', '/*']
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) lines.push(`  ${name}: ${value}`)
  lines.push('', '/service-worker.js', '  Cache-Control: no-cache', '')
  return lines.join('\n')
}

/**
 * Headers for the service worker's error pages: the app's, except that the
 * app's own pages may frame them (frame-ancestors 'self'), so a download that
 * starts in a hidden frame (web/lib/download-frame.ts) can read why it failed.
 * No other origin may frame them.
 */
export const FRAMED_BY_SELF_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': join(APP_DIRECTIVES.map(([name, value]) => [name, name === 'frame-ancestors' ? "'self'" : value] as const)),
  'X-Frame-Options': 'SAMEORIGIN'
}
