import { useEffect, useMemo } from 'preact/hooks'
import type { RpcClient } from '../core/rpc/api.ts'
import { ModelsContext, useModels } from './app-context.ts'
import { SharedFilesNotice } from './components/shared-files-notice.tsx'
import { JoinRefusedNotice } from './components/join-refused-notice.tsx'
import { UpdateBanner } from './components/update-banner.tsx'
import { browserHashLocation } from './lib/hash-location.ts'
import { browserStorage } from './lib/storage-access.ts'
import { createAppModels, startAppModels } from './models/app-models.ts'
import { serviceWorkerSharedFiles } from './connection/shared-files-source.ts'
import type { UpdateModel } from './models/update-model.ts'
import { OnboardingPage } from './pages/onboarding/onboarding-page.tsx'
import { UnlockPage } from './pages/unlock/unlock-page.tsx'
import { Shell } from './shell.tsx'

export interface AppProps {
  client: RpcClient
  /** Filled by the service-worker registration (web/main.tsx) when a new version waits. */
  update?: UpdateModel
}

/** The whole UI: builds the models once from the RPC client and shows the screen the vault state calls for. */
export function App ({ client, update }: AppProps) {
  const models = useMemo(() => createAppModels({
    client,
    storage: browserStorage(),
    location: browserHashLocation(),
    update,
    sharedFiles: serviceWorkerSharedFiles(),
    replaceHash: (hash) => { history.replaceState(history.state, '', hash) },
    origin: window.location.origin
  }), [client])
  useEffect(() => startAppModels(models, client, window), [models])
  return (
    <ModelsContext.Provider value={models}>
      <UpdateBanner />
      <SharedFilesNotice />
      <JoinRefusedNotice />
      <Screen />
    </ModelsContext.Provider>
  )
}

function Screen () {
  const { screen, vault } = useModels()
  switch (screen.value) {
    case 'onboarding': return <OnboardingPage />
    case 'locked': return <UnlockPage />
    case 'unlocked': return <Shell />
    case 'loading': return <Loading error={vault.loadError.value} retry={vault.refresh} />
  }
}

function Loading ({ error, retry }: { error: string | undefined, retry: () => Promise<void> }) {
  return (
    <main class='centered'>
      {error === undefined
        ? <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Starting Cairn…</p>
        : (
          <div class='card stack'>
            <p role='alert' class='alert'>{error}</p>
            <div class='actions'><button type='button' onClick={() => { void retry() }}>Try again</button></div>
          </div>
          )}
    </main>
  )
}
