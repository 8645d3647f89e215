const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text as HTML or XML text or attribute value: nothing in it can become markup. */
export function escapeMarkup (text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c] ?? c)
}
