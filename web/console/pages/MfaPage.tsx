import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SessionInfo } from '../../../common/contracts/identity.ts'
import { type ApiClient, ApiError } from '../../shared/api.ts'
import { ErrorAlert, Field } from '../../shared/fields.tsx'

interface Enrolment {
  secret: string
  uri: string
  qrSvg: string
}

/** The second factor: enrol TOTP at first sign-in (QR code drawn by the server), or enter a code. */
export function MfaPage({
  api,
  next,
  onVerified,
  onCancel,
}: {
  api: ApiClient
  next: 'enrol' | 'verify'
  onVerified: (session: SessionInfo) => void
  onCancel: () => void
}) {
  const { t } = useTranslation('console')
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [working, setWorking] = useState(false)

  useEffect(() => {
    if (next !== 'enrol') return
    api.get<Enrolment>('/api/auth/mfa/enrolment').then(setEnrolment, (caught) => {
      if (caught instanceof ApiError && caught.status === 401) onCancel()
      else setError(caught instanceof ApiError ? caught : null)
    })
  }, [api, next, onCancel])

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s+/g, '')
    setWorking(true)
    setError(null)
    try {
      onVerified(
        await api.send<SessionInfo>(
          'POST',
          next === 'enrol' ? '/api/auth/mfa/enrol' : '/api/auth/mfa/verify',
          {
            code,
          },
        ),
      )
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401 && caught.code !== 'invalid_mfa_code')
        return onCancel()
      setError(caught instanceof ApiError ? caught : null)
      setWorking(false)
    }
  }

  return (
    <main id="main" tabIndex={-1} className="console-main narrow">
      <h1>{next === 'enrol' ? t('mfa.enrolHeading') : t('mfa.verifyHeading')}</h1>
      <p>{next === 'enrol' ? t('mfa.enrolIntro') : t('mfa.verifyIntro')}</p>
      {enrolment && (
        <div className="enrolment">
          <img
            className="qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`}
            alt={t('mfa.qrAlt')}
            width={220}
            height={220}
          />
          <p>
            {t('mfa.secretLabel')} <code className="secret">{enrolment.secret}</code>
          </p>
        </div>
      )}
      <ErrorAlert error={error} />
      <form onSubmit={handleSubmit} noValidate>
        <Field
          label={t('mfa.code')}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          error={error}
        />
        <div className="actions">
          <button type="submit" disabled={working}>
            {t('mfa.submit')}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            {t('mfa.cancel')}
          </button>
        </div>
      </form>
    </main>
  )
}
