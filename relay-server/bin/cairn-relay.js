#!/usr/bin/env node
// cairn-relay: the launcher. The relay is TypeScript; tsx compiles it on load.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`cairn-relay needs Node.js 22 or later (this is ${process.version}).\n`)
  process.exit(1)
}
const { register } = await import('tsx/esm/api')
register()
await import('../relay/main.ts')
