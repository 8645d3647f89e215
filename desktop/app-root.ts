import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let found: string | undefined

/**
 * The folder of Cairn's package.json (a checkout, an npm install, or the
 * .deb's /usr/lib/cairn-desktop). Found by walking up from this module, so it
 * holds both for the TypeScript sources and for the one-file bundle
 * (desktop/bundle/), which sit at different depths.
 */
export function appRoot (): string {
  if (found !== undefined) return found
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cairn') return (found = dir)
    if (dirname(dir) === dir) throw new Error(`no Cairn package.json above ${fileURLToPath(import.meta.url)}`)
  }
}

/** A path inside the app's folder, e.g. appPath('dist') for the built PWA. */
export function appPath (...parts: string[]): string {
  return join(appRoot(), ...parts)
}
