/**
 * The one shape of a clock in core and the servers: milliseconds since the
 * epoch, read when asked. Whatever decides by time (expiries, retention,
 * backoff, throttles, TTLs) takes one of these, so tests move time by hand
 * instead of waiting for it. Log timestamps may read `Date.now` directly.
 */
export type Clock = () => number

/** The real clock (the default wherever a `Clock` is optional). */
export const systemClock: Clock = () => Date.now()
