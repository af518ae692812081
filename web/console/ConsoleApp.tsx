import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SessionInfo } from '../../common/contracts/identity.ts'
import type { Permission } from '../../common/permissions.ts'
import { ApiError, createApiClient } from '../shared/api.ts'
import { LanguageSwitcher } from '../shared/LanguageSwitcher.tsx'
import { sections } from './nav.ts'
import { MfaPage } from './pages/MfaPage.tsx'
import { SignInPage } from './pages/SignInPage.tsx'
import { navigate, usePath } from './router.ts'
import { SessionContext } from './session.tsx'

type AuthState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'mfa'; next: 'enrol' | 'verify' }
  | { kind: 'active'; session: SessionInfo }

/** The staff console: sign-in, the second factor, then the sections the role may use. */
export function ConsoleApp() {
  const { t, i18n } = useTranslation('console')
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' })
  const csrf = useRef<string | null>(null)
  const api = useMemo(
    () =>
      createApiClient({
        language: () => i18n.language,
        csrfToken: () => csrf.current,
        networkMessage: () => i18n.t('common:error.network'),
      }),
    [i18n],
  )

  const handleSession = useCallback((session: SessionInfo) => {
    csrf.current = session.csrfToken
    setAuth(
      session.stage === 'active'
        ? { kind: 'active', session }
        : { kind: 'mfa', next: session.next ?? 'verify' },
    )
  }, [])

  const handleSignedOut = useCallback(() => {
    csrf.current = null
    setAuth({ kind: 'signed-out' })
  }, [])

  // On load, resume a session this browser already holds (the cookie is HttpOnly: ask the server).
  useEffect(() => {
    const resume = async () => {
      try {
        handleSession(await api.get<SessionInfo>('/api/auth/session'))
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) return handleSignedOut()
        try {
          handleSession(await api.get<SessionInfo>('/api/auth/pending'))
        } catch {
          handleSignedOut()
        }
      }
    }
    void resume()
  }, [api, handleSession, handleSignedOut])

  const header = (
    <header className="console-header">
      <p className="console-brand">{t('brand')}</p>
      <LanguageSwitcher
        onChange={(locale) => {
          if (auth.kind === 'active')
            void api.send('PATCH', '/api/auth/preferences', { locale }).catch(() => {})
        }}
      />
      {auth.kind === 'active' && <AccountMenu onSignedOut={handleSignedOut} api={api} />}
    </header>
  )

  let body: React.ReactNode
  switch (auth.kind) {
    case 'loading':
      body = (
        <main id="main" className="console-main narrow">
          <p role="status">{t('common:loading')}</p>
        </main>
      )
      break
    case 'signed-out':
      body = (
        <SignInPage
          api={api}
          onSignedIn={(next, csrfToken) => {
            csrf.current = csrfToken
            setAuth({ kind: 'mfa', next })
          }}
        />
      )
      break
    case 'mfa':
      body = <MfaPage api={api} next={auth.next} onVerified={handleSession} onCancel={handleSignedOut} />
      break
    case 'active':
      body = (
        <SessionContext.Provider
          value={{
            api,
            session: auth.session,
            can: (permission: Permission) => auth.session.permissions.includes(permission),
          }}
        >
          <SignedIn permissions={auth.session.permissions} />
        </SessionContext.Provider>
      )
      break
  }
  return (
    <>
      <a className="skip-link" href="#main">
        {t('common:skipToContent')}
      </a>
      {header}
      {body}
    </>
  )
}

function SignedIn({ permissions }: { permissions: string[] }) {
  const { t } = useTranslation('console')
  const path = usePath()
  const allowed = sections.filter(
    (section) => !section.permission || permissions.includes(section.permission),
  )
  const current =
    allowed.find((section) => section.path === path) ??
    allowed.find((section) => section.path !== '/' && path.startsWith(`${section.path}/`)) ??
    allowed[0]!
  useEffect(() => {
    if (current.path !== path && !path.startsWith(`${current.path}/`))
      navigate(current.path, { replace: true })
  }, [current, path])
  const { Page } = current
  return (
    <div className="console-layout">
      <nav aria-label={t('nav.label')} className="console-nav">
        <ul>
          {allowed.map((section) => (
            <li key={section.path}>
              <a
                href={`/console${section.path}`}
                aria-current={section === current ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault()
                  navigate(section.path)
                }}
              >
                {t(section.labelKey)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} className="console-main">
        <Page />
      </main>
    </div>
  )
}

function AccountMenu({
  api,
  onSignedOut,
}: {
  api: ReturnType<typeof createApiClient>
  onSignedOut: () => void
}) {
  const { t } = useTranslation('console')
  const signOut = async (everywhere: boolean) => {
    try {
      await api.send('POST', everywhere ? '/api/auth/sign-out-everywhere' : '/api/auth/sign-out')
    } finally {
      onSignedOut()
      navigate('/', { replace: true })
    }
  }
  return (
    <div className="account-menu">
      <button type="button" className="secondary" onClick={() => void signOut(false)}>
        {t('account.signOut')}
      </button>
      <button type="button" className="secondary" onClick={() => void signOut(true)}>
        {t('account.signOutEverywhere')}
      </button>
    </div>
  )
}
