import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { AppModels } from './models/app-models.ts'

/** The app's models, provided once by <App>. */
export const ModelsContext = createContext<AppModels | undefined>(undefined)

/** The app's models; only valid inside <App>. */
export function useModels (): AppModels {
  const models = useContext(ModelsContext)
  if (models === undefined) throw new Error('useModels() outside <App>')
  return models
}
