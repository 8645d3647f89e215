/**
 * Firefox stops a service worker about 30 s after the last event it was
 * given, even while it streams a response: a download taking longer is cut
 * there and saved short, as if complete. Page messages are events, so while
 * downloads stream, the pages keep the service worker awake with one.
 */

/** Service worker → every window: this many downloads stream through me now. */
export interface StreamsUnderway { kind: 'streams-underway', count: number }

/** Page → service worker: stay awake (sent while StreamsUnderway's count is above 0). */
export interface StayAwake { kind: 'stay-awake' }

/** How often a page sends StayAwake: well inside Firefox's 30 s. */
export const STAY_AWAKE_EVERY_MS = 10_000
