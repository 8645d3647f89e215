import { Key, type Datastore } from 'interface-datastore'

const NETWORK_KEY = new Key('/cairn/network')

/** Device-local network settings (not secret, not synced). */
export interface NetworkSettings {
  /** Relay multiaddrs chosen by the user; undefined means "use the server's defaults". */
  relays?: string[]
}

export async function loadNetworkSettings (datastore: Datastore): Promise<NetworkSettings> {
  if (!(await datastore.has(NETWORK_KEY))) return {}
  return JSON.parse(new TextDecoder().decode(await datastore.get(NETWORK_KEY))) as NetworkSettings
}

export async function saveNetworkSettings (datastore: Datastore, settings: NetworkSettings): Promise<void> {
  await datastore.put(NETWORK_KEY, new TextEncoder().encode(JSON.stringify(settings)))
}
