/**
 * Defaults the server hands the app (`/cairn-config.json`, written by
 * `npm start` or the deployment): e.g. the local relay's address. Missing or
 * unreadable (offline) means no defaults; the user's own settings still apply.
 */
export interface AppConfig {
  relays: string[]
}

export async function loadAppConfig (): Promise<AppConfig> {
  try {
    const response = await fetch('/cairn-config.json', { cache: 'no-store' })
    if (!response.ok) return { relays: [] }
    const body = await response.json() as Partial<AppConfig>
    return { relays: Array.isArray(body.relays) ? body.relays.filter((r): r is string => typeof r === 'string') : [] }
  } catch {
    return { relays: [] }
  }
}
