// STUB by the SHELL helper so desktop/main.ts compiles and runs; the LEAD replaces this whole file.
export interface DesktopOptions { dataDir: string, port: number, openWindow: boolean, listenNetwork: boolean, relays?: string[], distDir: string }
export interface RunningDesktop { origin: string, openWindow: () => Promise<void>, stop: () => Promise<void> }

export async function startDesktop (_options: DesktopOptions): Promise<RunningDesktop> {
  throw new Error('not yet')
}
