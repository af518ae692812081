import { useEffect, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { createApiClient } from '../shared/api.ts'
import { Chat } from '../shared/chat/Chat.tsx'
import { onTripleShift, quickExit, quickExitUrl } from '../shared/quick-exit.ts'
import { framed, leaveTopWindow, listenToHost, tellHost, visibleHost } from './frame.ts'

const leave = () => quickExit(quickExitUrl(), leaveTopWindow)

/** The widget: a quick exit that is always there, and the chat. */
export function WidgetApp() {
  const { t, i18n } = useTranslation('chat')
  const api = useMemo(
    () =>
      createApiClient({
        language: () => i18n.language,
        csrfToken: () => null,
        networkMessage: () => i18n.t('common:error.network'),
      }),
    [i18n],
  )
  const host = useMemo(visibleHost, [])
  useEffect(() => onTripleShift(leave), [])
  useEffect(() => {
    tellHost({ type: 'relais:ready', exitUrl: quickExitUrl() })
    // Escape closes the panel on the host page (the conversation stays, as with its close button).
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') tellHost({ type: 'relais:close' })
    }
    window.addEventListener('keydown', onKeyDown)
    // The host page leaving on its own: the chat ends with it, and the page is blanked (not left:
    // the host takes itself away).
    const stopListening = listenToHost(() => quickExit(quickExitUrl(), () => undefined))
    return () => {
      window.removeEventListener('keydown', onKeyDown)
      stopListening()
    }
  }, [])
  return (
    <div className="widget">
      <header className={framed ? 'widget-header widget-header-framed' : 'widget-header'}>
        <p className="widget-brand">{t('portal:brand')}</p>
        <button type="button" className="quick-exit" aria-describedby="quick-exit-hint" onClick={leave}>
          {t('portal:quickExit.label')}
        </button>
        <p id="quick-exit-hint" className="visually-hidden">
          {t('portal:quickExit.hint')}
        </p>
      </header>
      <main className="widget-main">
        <Chat api={api} host={host} />
      </main>
    </div>
  )
}
