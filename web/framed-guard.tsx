/**
 * Clickjacking defence that needs no inline script: the server's CSP
 * `frame-ancestors 'none'` and `X-Frame-Options: DENY` stop framing, but a
 * static host may send no headers and a `<meta>` CSP cannot carry
 * frame-ancestors. So the app itself refuses to run inside another page's
 * frame, where a page could lay its own content over "Add to vault" or
 * "Save to my vault" and make a person press them.
 */
export function isFramed (win: Pick<Window, 'top' | 'self'> = window): boolean {
  // Comparing window proxies is allowed across origins; it never throws.
  return win.top !== win.self
}

/** Shown instead of the app when it is framed: no vault, no node, no buttons but a link out. */
export function FramedNotice ({ href }: { href: string }) {
  return (
    <main class='centered'>
      <section class='card stack' aria-labelledby='framed-title'>
        <h1 id='framed-title'>Open Cairn in its own tab</h1>
        <p>Another page tried to show Cairn inside itself, where it could trick you into pressing buttons you cannot see. Cairn does not run there.</p>
        <p><a href={href} target='_blank' rel='noopener noreferrer'>Open Cairn in a new tab</a></p>
      </section>
    </main>
  )
}
