import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { limits } from '../../../common/limits.ts'
import { type ApiClient, ApiError } from '../../shared/api.ts'
import { ErrorAlert, Field } from '../../shared/fields.tsx'

export function SignInPage({
  api,
  onSignedIn,
}: {
  api: ApiClient
  onSignedIn: (next: 'enrol' | 'verify', csrfToken: string) => void
}) {
  const { t } = useTranslation('console')
  const [error, setError] = useState<ApiError | null>(null)
  const [working, setWorking] = useState(false)

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setWorking(true)
    setError(null)
    try {
      const result = await api.send<{ next: 'enrol' | 'verify'; csrfToken: string }>(
        'POST',
        '/api/auth/sign-in',
        {
          email: String(form.get('email') ?? ''),
          password: String(form.get('password') ?? ''),
        },
      )
      onSignedIn(result.next, result.csrfToken)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
      setWorking(false)
    }
  }

  return (
    <main id="main" tabIndex={-1} className="console-main narrow">
      <h1>{t('signIn.heading')}</h1>
      <p>{t('signIn.intro')}</p>
      <ErrorAlert error={error} />
      <form onSubmit={handleSubmit} noValidate>
        <Field
          label={t('signIn.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          maxLength={limits.emailMaxLength}
          error={error}
        />
        <Field
          label={t('signIn.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={limits.passwordMaxLength}
          error={error}
        />
        <button type="submit" disabled={working}>
          {working ? t('signIn.working') : t('signIn.submit')}
        </button>
      </form>
    </main>
  )
}
