/**
 * Stands in for systray2's tray program in unit tests: speaks its JSON-lines
 * protocol and appends every line it reads to FAKE_TRAY_LOG. FAKE_TRAY_MODE:
 * `normal`; `die` (fails to load a library, as on a machine without
 * libayatana-appindicator); `silent` (never ready); `deaf` (ignores `exit`
 * and SIGTERM). FAKE_TRAY_CLICKS: item ids to click once the menu arrives.
 */
import { appendFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

const mode = process.env.FAKE_TRAY_MODE ?? 'normal'
const log = process.env.FAKE_TRAY_LOG
const clicks = (process.env.FAKE_TRAY_CLICKS ?? '').split(',').filter(id => id !== '').map(Number)

if (mode === 'die') {
  process.stderr.write('tray_linux_release: error while loading shared libraries: libappindicator3.so.1: cannot open shared object file: No such file or directory\n')
  process.exit(127)
}
if (mode === 'deaf') process.on('SIGTERM', () => { /* ignored */ })
if (mode !== 'silent') process.stdout.write('{"type": "ready"}\n')

let menuSeen = false
createInterface({ input: process.stdin }).on('line', (line) => {
  if (log !== undefined) appendFileSync(log, line + '\n')
  if (!menuSeen) {
    menuSeen = true
    for (const id of clicks) process.stdout.write(JSON.stringify({ type: 'clicked', item: {}, seq_id: id - 1, __id: id }) + '\n')
    return
  }
  if ((JSON.parse(line) as { type: string }).type === 'exit' && mode !== 'deaf') process.exit(0)
})
// Like the real program: stdin closed (the daemon died) ends it.
process.stdin.on('end', () => { if (mode !== 'deaf') process.exit(0) })
