#!/usr/bin/env node
// cairn-peer: the launcher of the backup peer. The peer is TypeScript; tsx compiles it on load.
const [major, minor] = process.versions.node.split('.').map(Number)
// The peer's datastore is node:sqlite, which Node has since 22.5.
if (major < 22 || (major === 22 && minor < 5)) {
  process.stderr.write(`cairn-peer needs Node.js 22.5 or later (this is ${process.version}).\n`)
  process.exit(1)
}
const { register } = await import('tsx/esm/api')
register()
await import('../peer/main.ts')
