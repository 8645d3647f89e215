/** A device's default name and platform from a browser's user agent, e.g. "Chrome on Linux". */
export function describeDevice (userAgent: string): { name: string, platform: string } {
  const platform = platformOf(userAgent)
  return { name: `${browserOf(userAgent)} on ${platform}`, platform }
}

// Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
function browserOf (ua: string): string {
  if (/Edg\//.test(ua)) return 'Edge'
  if (/OPR\//.test(ua)) return 'Opera'
  if (/Firefox\//.test(ua)) return 'Firefox'
  if (/Chrom(e|ium)\//.test(ua)) return 'Chrome'
  if (/Safari\//.test(ua)) return 'Safari'
  if (/^Node\.js|cairn/i.test(ua)) return 'Cairn'
  return 'Browser'
}

function platformOf (ua: string): string {
  if (/Android/.test(ua)) return 'Android'
  if (/iPhone|iPad|iPod/.test(ua)) return 'iOS'
  if (/Mac OS X|Macintosh/.test(ua)) return 'macOS'
  if (/Windows/.test(ua)) return 'Windows'
  if (/CrOS/.test(ua)) return 'ChromeOS'
  if (/Linux/.test(ua)) return 'Linux'
  return 'Unknown'
}

const PLATFORMS = ['Android', 'iOS', 'macOS', 'Windows', 'ChromeOS', 'Linux']

/** The platform a default name announces ("Firefox on Android" → "Android"); '' when it names none (the device's own record says later). */
export function platformFromName (name: string): string {
  const platform = / on (\w+)$/.exec(name)?.[1] ?? ''
  return PLATFORMS.includes(platform) ? platform : ''
}
