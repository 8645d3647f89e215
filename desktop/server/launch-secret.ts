import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** How long a launch URL's token may wait to be opened. */
export const LAUNCH_TOKEN_TTL_MS = 2 * 60 * 1000
export const SESSION_COOKIE = 'cairn-desktop'

/**
 * The per-launch secret of the desktop daemon (DESIGN §10): the app window
 * gets it through a one-time launch URL whose token the server exchanges for
 * an HttpOnly cookie; the WebSocket and downloads ask for that cookie. A new
 * daemon makes a new secret, so an old window must be opened again.
 */
export class LaunchSecret {
  private readonly secret = randomBytes(32).toString('base64url')
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

  /** Whether a request's Cookie header holds this launch's secret (compared in constant time). */
  holds (cookieHeader: string | undefined): boolean {
    const offered = cookieValue(cookieHeader, SESSION_COOKIE)
    if (offered === undefined) return false
    // Hashing first gives equal lengths, so timingSafeEqual never leaks the secret's length.
    return timingSafeEqual(digest(offered), digest(this.secret))
  }
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
