const fallbackUrl = 'https://www.google.com/search?q=weather'

/** The neutral site to leave for, set by the server in a <meta> tag (RELAIS_QUICK_EXIT_URL). */
export function quickExitUrl(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="relais-quick-exit"]')
  return meta?.content || fallbackUrl
}

const onLeaving = new Set<() => void>()

/** Adds what must happen as the person leaves (a chat tells the server and forgets); returns the remover. */
export function onQuickExit(callback: () => void): () => void {
  onLeaving.add(callback)
  return () => onLeaving.delete(callback)
}

/**
 * Leaves at once: what registered with `onQuickExit` runs, the page is blanked, then the current
 * history entry is replaced by the neutral site, so Back does not return here. A page inside a frame
 * passes its own `navigate`, to take the host page away instead.
 */
export function quickExit(
  url = quickExitUrl(),
  navigate: (target: string) => void = (target) => window.location.replace(target),
) {
  for (const callback of onLeaving) {
    try {
      callback()
    } catch {
      // Leaving matters more than any farewell.
    }
  }
  document.title = ''
  document.body.replaceChildren()
  document.documentElement.style.background = '#fff'
  navigate(url)
}

/** Calls `onTrigger` when Shift is pressed three times within `windowMs`; returns the remover. */
export function onTripleShift(onTrigger: () => void, windowMs = 1500): () => void {
  let presses: number[] = []
  const handleKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Shift' || event.repeat) {
      if (event.key !== 'Shift') presses = []
      return
    }
    const now = event.timeStamp
    presses = [...presses.filter((at) => now - at <= windowMs), now]
    if (presses.length >= 3) {
      presses = []
      onTrigger()
    }
  }
  window.addEventListener('keydown', handleKeyDown, true)
  return () => window.removeEventListener('keydown', handleKeyDown, true)
}
