#!/usr/bin/env node
// cairn-desktop: the launcher of the desktop app. The app is TypeScript; tsx compiles it on load.
const [major, minor] = process.versions.node.split('.').map(Number)
// The node's datastore is node:sqlite, which Node has since 22.5.
if (major < 22 || (major === 22 && minor < 5)) {
  process.stderr.write(`cairn-desktop needs Node.js 22.5 or later (this is ${process.version}).\n`)
  process.exit(1)
}
const { register } = await import('tsx/esm/api')
register()
await import('../main.ts')
