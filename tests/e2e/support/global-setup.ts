/**
 * Starts the servers every browser test needs and passes their addresses
 * through the environment. Filled in as the app grows; see app-server.ts.
 */
export default async function globalSetup (): Promise<() => Promise<void>> {
  return async () => {}
}
