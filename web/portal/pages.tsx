import { type MouseEvent, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import './pages.css'

/** The portal's pages and their addresses (the server answers each with the portal). */
export const portalPaths = { home: '/', report: '/report', chat: '/chat' } as const
export type PortalPage = keyof typeof portalPaths

/** Each page's name in the navigation (namespace:key). */
const navLabels: Record<PortalPage, string> = {
  home: 'form:nav.home',
  report: 'form:nav.report',
  chat: 'chat:nav',
}

function pageAt(pathname: string): PortalPage {
  const path = pathname.replace(/\/+$/, '') || '/'
  return (Object.keys(portalPaths) as PortalPage[]).find((page) => portalPaths[page] === path) ?? 'home'
}

/**
 * The page shown, and a way to move to another. Moving replaces the history entry instead of adding
 * one: the portal is only ever one entry, which the quick exit replaces, so Back never returns to it.
 * Focus moves to the new page's content, as it would on a page load.
 */
export function usePortalPage(): [PortalPage, (page: PortalPage) => void] {
  const [page, setPage] = useState<PortalPage>(() => pageAt(window.location.pathname))
  const moved = useRef<PortalPage | null>(null)
  const go = useCallback((next: PortalPage) => {
    window.history.replaceState(null, '', portalPaths[next])
    moved.current = next
    setPage(next)
  }, [])
  useEffect(() => {
    if (moved.current !== page) return
    moved.current = null
    window.scrollTo(0, 0)
    document.getElementById('main')?.focus()
  }, [page])
  return [page, go]
}

/** The portal's navigation: links that work as links (new tab, copy), moving in place when clicked. */
export function PortalNav({
  page,
  onNavigate,
}: {
  page: PortalPage
  onNavigate: (page: PortalPage) => void
}) {
  const { t } = useTranslation('form')
  const follow = (target: PortalPage) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    onNavigate(target)
  }
  return (
    <nav className="portal-nav" aria-label={t('nav.label')}>
      <ul>
        {(['home', 'report', 'chat'] as const).map((target) => (
          <li key={target}>
            <a
              href={portalPaths[target]}
              aria-current={page === target ? 'page' : undefined}
              onClick={follow(target)}
            >
              {t(navLabels[target])}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
