import type { Results } from '../support/report.ts'

/**
 * `desktop.start` (s; goal ≤ 2 s): from launch to the app window's file list
 * on an unlocked vault.
 *
 * TODO(lead): not measured yet — it needs the app window (desktop/app-window.ts)
 * and a way to unlock before the clock starts. The plan: create a vault on a
 * data folder and add a file, with the desktop's stores (desktop-add.ts shows
 * how); stop. Then time `node desktop/bin/cairn-desktop.js --data-dir … --port …`
 * (window on, under a fresh Xvfb as tests/e2e/support does) until the window's
 * page, attached over CDP, shows the unlock screen, type the passphrase, and
 * stop the clock when the file list has its row. Report the unlock's own time
 * apart (Argon2id is ~1 s by design), e.g. `desktop.start` without it and
 * `desktop.start.unlock` for it.
 */
export async function measureDesktopStart (_results: Results): Promise<void> {
  console.log('- desktop.start: not measured yet (needs the app window; see tests/bench/desktop/desktop-start.ts)')
}
