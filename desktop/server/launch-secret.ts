import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { WINDOW_KEY_FRAGMENT } from '../../core/rpc/socket-messages.ts'

/** How long a launch URL's token may wait to be opened. */
export const LAUNCH_TOKEN_TTL_MS = 2 * 60 * 1000
export const SESSION_COOKIE = 'cairn-desktop'

/**
 * The per-launch secret of the desktop daemon (DESIGN §10): the app window
 * gets it through a one-time launch URL whose token the server exchanges for
 * an HttpOnly cookie and a window key in the redirect's fragment
 * (core/rpc/socket-messages.ts WINDOW_KEY_PARAM says why both); downloads ask
 * for the cookie, the WebSocket and the session check for both. A new daemon
 * makes a new secret, so an old window must be opened again.
 */
export class LaunchSecret {
  private readonly secret = randomBytes(32).toString('base64url')
  private readonly windowKey = randomBytes(32).toString('base64url')
  /** Tokens not yet used, with when each expires. */
  private readonly tokens = new Map<string, number>()

  /** A new one-time token, valid for LAUNCH_TOKEN_TTL_MS. */
  issueToken (): string {
    const token = randomBytes(24).toString('base64url')
    this.tokens.set(token, Date.now() + LAUNCH_TOKEN_TTL_MS)
    return token
  }

  /** True once for a token issued and not expired; it is spent either way. */
  redeem (token: string): boolean {
    const now = Date.now()
    for (const [known, expires] of this.tokens) if (expires <= now) this.tokens.delete(known)
    const expires = this.tokens.get(token)
    this.tokens.delete(token)
    return expires !== undefined && expires > now
  }

  /** The Set-Cookie value that hands the secret to the window. */
  cookie (): string {
    return `${SESSION_COOKIE}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`
  }

  /** Where a redeemed launch goes: the app, with the window key in the fragment (never sent to a server). */
  landing (): string {
    return `/#${WINDOW_KEY_FRAGMENT}=${this.windowKey}`
  }

  /** Whether a request's Cookie header holds this launch's secret (compared in constant time). */
  holds (cookieHeader: string | undefined): boolean {
    const offered = cookieValue(cookieHeader, SESSION_COOKIE)
    return offered !== undefined && sameSecret(offered, this.secret)
  }

  /** Whether a request holds both the cookie and the window key of this launch. */
  admits (cookieHeader: string | undefined, windowKey: string | null | undefined): boolean {
    const keyHeld = windowKey !== null && windowKey !== undefined && sameSecret(windowKey, this.windowKey)
    return this.holds(cookieHeader) && keyHeld
  }
}

function sameSecret (offered: string, secret: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the secret's length.
  return timingSafeEqual(digest(offered), digest(secret))
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function cookieValue (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
