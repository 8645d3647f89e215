import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'

const ASSETS = 'dist/assets'
const read = (name: string): string => readFileSync(join(ASSETS, name), 'utf8')

/** Text only the strength estimator's English translations and common dictionaries carry. */
const DICTIONARY_MARKERS = ['Add more words that are less common', 'azerty']

test('the strength estimator\'s dictionaries are chunks of their own, loaded only when a passphrase is judged', () => {
  const entry = /<script type="module"[^>]* src="\/assets\/([^"]+)"/.exec(readFileSync('dist/index.html', 'utf8'))?.[1]
  expect(entry).toBeDefined()
  const chunks = readdirSync(ASSETS).filter(name => name.endsWith('.js'))
  const nodeWorker = chunks.find(name => name.startsWith('node-worker-'))
  expect(nodeWorker).toBeDefined()
  for (const eager of [entry ?? '', nodeWorker ?? '']) {
    for (const marker of DICTIONARY_MARKERS) expect(read(eager), `${eager} carries "${marker}"`).not.toContain(marker)
  }
  // The node worker imports them dynamically; they are in the build (and precached for offline onboarding).
  const lazy = chunks.filter(name => DICTIONARY_MARKERS.some(marker => read(name).includes(marker)))
  expect(lazy.length).toBeGreaterThan(0)
  for (const chunk of lazy) expect(read(nodeWorker ?? '')).toContain(`import(\`./${chunk}\`)`)
  const precache = read('../service-worker.js')
  for (const chunk of lazy) expect(precache).toContain(`assets/${chunk}`)
})

test('the recovery word list the page checks a typed phrase against is a lazy chunk of its own, precached for offline use', () => {
  const entry = /<script type="module"[^>]* src="\/assets\/([^"]+)"/.exec(readFileSync('dist/index.html', 'utf8'))?.[1] ?? ''
  const marker = 'abandon\nability\nable'
  expect(read(entry)).not.toContain('ability\nable')
  const lists = readdirSync(ASSETS).filter(name => name.endsWith('.js') && name !== entry && read(name).includes(marker) && !name.startsWith('node-worker-') && !name.startsWith('share-worker-'))
  expect(lists.length).toBeGreaterThan(0)
  const precache = read('../service-worker.js')
  for (const chunk of lists) expect(precache).toContain(`assets/${chunk}`)
})
