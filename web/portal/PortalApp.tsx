import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { createApiClient } from '../shared/api.ts'
import { Chat } from '../shared/chat/Chat.tsx'
import { DirectorySearch } from '../shared/directory/DirectorySearch.tsx'
import { LanguageSwitcher } from '../shared/LanguageSwitcher.tsx'
import { QuickExit } from '../shared/QuickExit.tsx'
import { PortalNav, usePortalPage } from './pages.tsx'
import { ReportForm } from './ReportForm.tsx'

function emergencyNumber(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="relais-emergency-number"]')?.content || '911'
}

/** The public portal's home page. Language changes stay in memory, so history keeps one entry. */
export function PortalApp() {
  const { t, i18n } = useTranslation('portal')
  // No session, no CSRF token: the portal only reads public data.
  const api = useMemo(
    () =>
      createApiClient({
        language: () => i18n.language,
        csrfToken: () => null,
        networkMessage: () => i18n.t('common:error.network'),
      }),
    [i18n],
  )
  const helps = ['safety', 'services', 'report', 'languages'] as const
  const [page, go] = usePortalPage()
  return (
    <>
      {/* First in the tab order: one key press from anywhere the page opens. */}
      <QuickExit />
      <a className="skip-link" href="#main">
        {t('common:skipToContent')}
      </a>
      <header className="portal-header">
        <div className="portal-bar">
          <p className="portal-brand">{t('brand')}</p>
          <LanguageSwitcher />
        </div>
        <PortalNav page={page} onNavigate={go} />
      </header>
      <main id="main" tabIndex={-1} className="portal-main">
        <p className="emergency" role="note">
          {t('emergency', { number: emergencyNumber() })}
        </p>
        {page === 'report' && <ReportForm api={api} emergencyNumber={emergencyNumber()} />}
        {page === 'chat' && (
          <>
            <h1>{t('chat:heading')}</h1>
            <Chat api={api} host={window.location.host} heading="h2" />
          </>
        )}
        {page === 'home' && (
          <>
            <h1>{t('hero.heading')}</h1>
            <p className="tagline">{t('tagline')}</p>
            <p className="lead">{t('hero.body')}</p>
            <section aria-labelledby="help-heading">
              <h2 id="help-heading">{t('help.heading')}</h2>
              <ul className="help-list">
                {helps.map((key) => (
                  <li key={key}>{t(`help.${key}`)}</li>
                ))}
              </ul>
            </section>
            <section className="portal-directory">
              <DirectorySearch
                api={api}
                endpoint="/api/directory/public-search"
                headingLevel={2}
                intro={t('directory:search.publicIntro')}
              />
            </section>
            <section aria-labelledby="safety-heading" className="safety">
              <h2 id="safety-heading">{t('safety.heading')}</h2>
              <p>{t('safety.body')}</p>
            </section>
          </>
        )}
      </main>
      <footer className="portal-footer">
        <p>{t('footer')}</p>
      </footer>
    </>
  )
}
