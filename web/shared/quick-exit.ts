const fallbackUrl = 'https://www.google.com/search?q=weather'

/** The neutral site to leave for, set by the server in a <meta> tag (RELAIS_QUICK_EXIT_URL). */
export function quickExitUrl(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="relais-quick-exit"]')
  return meta?.content || fallbackUrl
}

/**
 * Leaves at once: the page is blanked before anything else, then the current history entry is
 * replaced by the neutral site, so Back does not return here.
 */
export function quickExit(url = quickExitUrl()) {
  document.title = ''
  document.body.replaceChildren()
  document.documentElement.style.background = '#fff'
  window.location.replace(url)
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
