import { readFileSync } from 'node:fs'

/** Cairn's version, from the package.json at the repository root. */
export const CAIRN_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
