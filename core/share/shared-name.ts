/**
 * Names in a share link or a folder's listing are the sender's: a hostile one
 * can hide a file's real extension behind bidirectional-text controls, so
 * "photo\u202Egnp.exe" reads "photoexe.png" on the page, in the download and
 * in the recipient's vault. The recipient sees and saves names without them:
 * the marks (LRM, RLM, ALM), embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069). Letters of any script stay; a browser
 * still shows Arabic or Hebrew right to left by itself.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** `name` without bidirectional-text controls (see above). */
export function withoutBidiControls (name: string): string {
  return name.replace(BIDI_CONTROLS, '')
}
