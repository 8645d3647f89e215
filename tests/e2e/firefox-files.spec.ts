import { CairnApp } from './support/cairn-app.ts'
import { expectDownloadErrorShown } from './support/download-error-steps.ts'
import { filesWalk } from './support/files-steps.ts'
import { findFirefox } from './support/firefox.ts'
import { test } from './support/fixtures.ts'

/**
 * The file browser in Firefox ESR: folders by their rows and the breadcrumbs,
 * search, a PNG's thumbnail, a folder as one zip, a shift-click range deleted
 * at once; and a download that fails before its first byte says why.
 */
const found = findFirefox()

test.skip(found.kind === 'none', found.kind === 'none' ? found.reason : '')

test('Firefox: folders, breadcrumbs, search, a PNG thumbnail, a folder zip intact, shift-click delete; a failed download says why', async ({ firefox, files }) => {
  const app = new CairnApp(await firefox.context.newPage())
  await filesWalk(app, files, 'a fox walks into folders')
  await expectDownloadErrorShown(app)
})
