import { render } from 'preact'
import { App } from './app.tsx'
import { createUpdateModel } from './models/update-model.ts'
import { connectToNode } from './node/connection.ts'
import { registerServiceWorker } from './node/service-worker-registration.ts'
import './styles.css'

// One client per tab: it elects the leader tab that hosts the node worker.
const client = connectToNode()
const update = createUpdateModel()
const root = document.getElementById('app')
if (root === null) throw new Error('index.html has no #app element')
render(<App client={client} update={update} />, root)
registerServiceWorker(update.offer)
