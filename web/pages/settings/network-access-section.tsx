import { useEffect, useState } from 'preact/hooks'
import type { DesktopNetworkSettings } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { errorMessage } from '../../error-messages.ts'
import { isDesktopApp } from '../../lib/desktop-host.ts'

/**
 * Settings → "Connections from your network", in the desktop app only: by
 * default it listens on this computer alone; turned on, devices on the same
 * network connect to it directly (not only through the relay).
 */
export function NetworkAccessSection () {
  const { client } = useModels()
  const [settings, setSettings] = useState<DesktopNetworkSettings | null | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const desktop = isDesktopApp()
  useEffect(() => {
    if (desktop) void client.call('desktop.network', undefined).then(setSettings, (err: unknown) => { setError(errorMessage(err)) })
  }, [])
  if (!desktop || settings === null) return null
  const change = async (on: boolean): Promise<void> => {
    setError(undefined)
    try {
      setSettings(await client.call('desktop.setNetwork', { acceptFromNetwork: on }))
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <section class='card' aria-labelledby='settings-network-access'>
      <h2 id='settings-network-access'>Connections from your network</h2>
      <label>
        <input type='checkbox' checked={settings?.acceptFromNetwork ?? false} disabled={settings === undefined} onChange={(e) => { void change(e.currentTarget.checked) }} />
        {' '}Accept connections from my network
      </label>
      <p class='hint'>
        Off, Cairn listens on this computer only and your other devices reach it through your relay. On, devices on the same network
        connect to it directly. The app itself is never reachable from the network.
      </p>
      {settings !== undefined && settings.acceptFromNetwork !== settings.acceptingNow && (
        <p class='hint' role='status'>This takes effect the next time Cairn starts: Quit from the tray icon, then start Cairn again.</p>
      )}
      <ErrorAlert message={error} />
    </section>
  )
}
