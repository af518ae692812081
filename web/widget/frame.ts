/**
 * The widget's side of the conversation with the embed script on the host page (embed.ts). The
 * messages carry nothing secret: the quick-exit address, and requests to close the panel or leave.
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

/** The embed script answered: it is there to take its page away. */
let embedded = false

/**
 * Listens to the embed script: it announces itself once the widget is ready, and says when its page
 * is leaving (Shift pressed three times there), for the widget to end the chat with it.
 */
export function listenToHost(onHostLeaving: () => void): () => void {
  const onMessage = (event: MessageEvent) => {
    if (!framed || event.source !== window.parent) return
    const type = (event.data as { type?: unknown } | null)?.type
    if (type === 'relais:embed') embedded = true
    else if (type === 'relais:leave') onHostLeaving()
  }
  window.addEventListener('message', onMessage)
  return () => window.removeEventListener('message', onMessage)
}

/**
 * Takes the host page away, not just the frame: the page the person was on is what someone looking
 * over their shoulder sees. The embed script does it when it is there (a page may always navigate
 * itself); otherwise the frame tries, which browsers allow a frame right after a click or key press.
 * Never both, so the page is replaced once.
 */
export function leaveTopWindow(url: string) {
  if (!framed) {
    window.location.replace(url)
    return
  }
  if (embedded) {
    tellHost({ type: 'relais:quick-exit', url })
    return
  }
  try {
    window.top?.location.replace(url)
  } catch {
    // Refused to a frame of another origin, and no embed script to ask: the frame stays blank.
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
