import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildDeb } from './deb/build-deb.ts'

/**
 * `npm run package:deb [-- --xz]`: builds dist-deb/cairn-desktop_<version>_amd64.deb
 * (gzip by default: quicker to build; --xz: a smaller file).
 */
const root = fileURLToPath(new URL('..', import.meta.url))
try {
  const built = buildDeb({
    root,
    outDir: join(root, 'dist-deb'),
    compression: process.argv.includes('--xz') ? 'xz' : 'gzip',
    log: (line) => { process.stderr.write(`${line}\n`) }
  })
  process.stdout.write(`${built.file}\n  ${(built.bytes / 2 ** 20).toFixed(1)} MiB, built in ${built.seconds.toFixed(1)} s\n`)
} catch (err) {
  process.stderr.write(`package:deb failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
