// Visual-review harness: renders the real <App> against the fake client.
// ?scenario=none|locked|files|empty|logs picks the starting state; &backup=sample
// starts with two paired backup peers, &network=none with no relay or connections.
import { render } from 'preact'
import { App } from '../../../web/app.tsx'
import { createUpdateModel } from '../../../web/models/update-model.ts'
import '../../../web/styles.css'
import { createFakeClient, sampleFiles } from './fake-client.js'

const scenario = new URLSearchParams(location.search).get('scenario') ?? 'none'
const client = createFakeClient({
  state: scenario === 'none' ? 'none' : scenario === 'locked' ? 'locked' : 'unlocked',
  files: scenario === 'empty' || scenario === 'none' ? [] : sampleFiles(),
  logs: 60,
  slowUploadMs: Number(new URLSearchParams(location.search).get('slow') ?? 120),
  backup: new URLSearchParams(location.search).get('backup') ?? 'none',
  network: new URLSearchParams(location.search).get('network') ?? 'sample'
})
const update = createUpdateModel()
if (new URLSearchParams(location.search).has('update')) update.offer(() => location.reload())
// Exposed for the screenshot script (review tool only).
window.__fake = client
render(<App client={client} update={update} />, document.getElementById('app'))
