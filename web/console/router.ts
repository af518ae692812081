import { useSyncExternalStore } from 'react'

export const consoleBase = '/console'
const navigationEvent = 'relais:navigate'

function subscribe(callback: () => void) {
  window.addEventListener('popstate', callback)
  window.addEventListener(navigationEvent, callback)
  return () => {
    window.removeEventListener('popstate', callback)
    window.removeEventListener(navigationEvent, callback)
  }
}

/** The console path after /console, such as "/" or "/users". */
export function currentPath(): string {
  const path = window.location.pathname.slice(consoleBase.length) || '/'
  return path.replace(/\/+$/, '') || '/'
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath)
}

export function navigate(path: string, { replace = false }: { replace?: boolean } = {}) {
  const url = `${consoleBase}${path === '/' ? '/' : path}`
  if (replace) window.history.replaceState(null, '', url)
  else window.history.pushState(null, '', url)
  window.dispatchEvent(new Event(navigationEvent))
}
