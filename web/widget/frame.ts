/**
 * The widget's side of the conversation with the embed script on the host page (embed.ts). The
 * messages carry nothing secret: the quick-exit address, and requests to close the panel.
 */

export const framed = window.top !== window.self

export type WidgetMessage =
  | { type: 'relais:ready'; exitUrl: string }
  | { type: 'relais:quick-exit'; url: string }
  | { type: 'relais:close' }

/** Tells the host page, whatever its origin (it is not known here, and nothing sent is secret). */
export function tellHost(message: WidgetMessage) {
  if (framed) window.parent.postMessage(message, '*')
}

/**
 * Takes the host page away, not just the frame: the page the person was on is what someone looking
 * over their shoulder sees. The embed script is asked first (a page may always navigate itself);
 * the frame also tries directly, which browsers allow a frame right after a click or key press.
 */
export function leaveTopWindow(url: string) {
  if (!framed) {
    window.location.replace(url)
    return
  }
  tellHost({ type: 'relais:quick-exit', url })
  try {
    window.top?.location.replace(url)
  } catch {
    // Refused to a frame of another origin: the embed script does it.
  }
}

/**
 * The host's name for the notice of what the browser keeps: inside a frame it is the host page that
 * enters the history, named by the embed script in the frame's address (`#host=`).
 */
export function visibleHost(): string {
  if (!framed) return window.location.host
  const named = new URLSearchParams(window.location.hash.slice(1)).get('host')
  if (named && /^[a-z0-9.:[\]-]{1,255}$/i.test(named)) return named
  const ancestor = window.location.ancestorOrigins?.[0]
  if (ancestor) {
    try {
      return new URL(ancestor).host
    } catch {
      // Not an origin: fall through to the frame's own host.
    }
  }
  return window.location.host
}
