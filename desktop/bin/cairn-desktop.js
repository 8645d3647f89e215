#!/usr/bin/env node
// cairn-desktop: the launcher of the desktop app. It runs the one-file bundle
// `npm run build` makes (desktop/bundle/, fast to start) when that is newer
// than every source file, else the TypeScript sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const [major, minor] = process.versions.node.split('.').map(Number)
// The node's datastore is node:sqlite, which Node has since 22.5.
if (major < 22 || (major === 22 && minor < 5)) {
  process.stderr.write(`cairn-desktop needs Node.js 22.5 or later (this is ${process.version}).\n`)
  process.exit(1)
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const bundle = join(root, 'desktop', 'bundle', 'cairn-desktop.mjs')

/** The newest modification time of the TypeScript the desktop app is built from. */
function newestSource () {
  let newest = 0
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'bundle') continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  for (const dir of ['desktop', 'core', 'relay-server']) if (existsSync(join(root, dir))) walk(join(root, dir))
  return newest
}

const fromSource = process.env.CAIRN_DESKTOP_FROM_SOURCE === '1' || !existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()
if (fromSource) {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../main.ts')
} else {
  await import(bundle)
}
