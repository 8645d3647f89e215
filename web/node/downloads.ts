/** Where the service worker serves a file's plaintext. */
export function downloadUrl (fileId: string): string {
  return `/download/${encodeURIComponent(fileId)}`
}
