/**
 * A reload that bursts of requests (a folder upload's many `files.changed`)
 * collapse into: one run at a time, and one more if asked while it ran.
 * `load` gets `isCurrent`, false once `drop()` was called after it started
 * (the vault locked): a stale answer is then not shown.
 */
export function coalescedReload (load: (isCurrent: () => boolean) => Promise<void>): { reload: () => Promise<void>, drop: () => void } {
  let running: Promise<void> | undefined
  let again = false
  let generation = 0
  const reload = async (): Promise<void> => {
    if (running !== undefined) {
      again = true
      return await running
    }
    running = (async () => {
      do {
        again = false
        const asked = generation
        await load(() => asked === generation)
      } while (again)
    })()
    try { await running } finally { running = undefined }
  }
  return { reload, drop: () => { generation++ } }
}
