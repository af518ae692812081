import { type FormEvent, useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { User } from '../../../common/contracts/identity.ts'
import { limits } from '../../../common/limits.ts'
import { roles } from '../../../common/permissions.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert, Field } from '../../shared/fields.tsx'
import { ScrollRegion } from '../ScrollRegion.tsx'
import { useConsole } from '../session.tsx'

type UserAction = 'disable' | 'enable' | 'resetMfa'
const actionPath: Record<UserAction, string> = { disable: 'disable', enable: 'enable', resetMfa: 'reset-mfa' }

/** Staff accounts: list, create, disable, re-enable, reset MFA (admin only; the server checks). */
export function UsersPage() {
  const { t } = useTranslation('console')
  const { api, can } = useConsole()
  const [users, setUsers] = useState<User[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      setUsers((await api.get<{ users: User[] }>('/api/admin/users')).users)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }, [api])
  useEffect(() => {
    void load()
  }, [load])

  const act = async (user: User, action: UserAction) => {
    setError(null)
    setNotice(null)
    try {
      await api.send('POST', `/api/admin/users/${user.id}/${actionPath[action]}`)
      setNotice(t(`users.done.${action}`, { name: user.displayName }))
      await load()
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }

  return (
    <>
      <h1>{t('users.heading')}</h1>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      <ErrorAlert error={error} />
      <ScrollRegion label={t('users.listCaption')}>
        <table>
          <caption>{t('users.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('users.col.name')}</th>
              <th scope="col">{t('users.col.email')}</th>
              <th scope="col">{t('users.col.role')}</th>
              <th scope="col">{t('users.col.mfa')}</th>
              <th scope="col">{t('users.col.status')}</th>
              <th scope="col">{t('users.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">{user.displayName}</th>
                <td>{user.email}</td>
                <td>{t(`role.${user.role}`)}</td>
                <td>{user.mfaEnrolled ? t('users.mfaEnrolled') : t('users.mfaPending')}</td>
                <td>{user.disabled ? t('users.disabled') : t('users.active')}</td>
                <td>
                  <div className="row-actions">
                    {(['disable', 'enable', 'resetMfa'] as const)
                      .filter((action) => user.abilities[action])
                      .map((action) => (
                        <button
                          key={action}
                          type="button"
                          className={action === 'disable' ? 'danger' : 'secondary'}
                          aria-label={t('users.actionLabel', {
                            action: t(`users.${action}`),
                            name: user.displayName,
                          })}
                          onClick={() => void act(user, action)}
                        >
                          {t(`users.${action}`)}
                        </button>
                      ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {can('user.manage') && (
        <CreateUserForm
          onCreated={async (email) => {
            setNotice(t('users.created', { email }))
            await load()
          }}
        />
      )}
    </>
  )
}

function CreateUserForm({ onCreated }: { onCreated: (email: string) => Promise<void> }) {
  const { t, i18n } = useTranslation('console')
  const { api } = useConsole()
  const [error, setError] = useState<ApiError | null>(null)
  const roleId = useId()
  const localeId = useId()

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formElement = event.currentTarget
    const form = new FormData(formElement)
    setError(null)
    try {
      const user = await api.send<User>('POST', '/api/admin/users', {
        email: String(form.get('email') ?? ''),
        displayName: String(form.get('displayName') ?? ''),
        role: String(form.get('role') ?? ''),
        password: String(form.get('password') ?? ''),
        locale: String(form.get('locale') ?? 'en'),
      })
      formElement.reset()
      await onCreated(user.email)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }

  return (
    <section aria-labelledby="create-user-heading" className="panel">
      <h2 id="create-user-heading">{t('users.createHeading')}</h2>
      <p>{t('users.createIntro')}</p>
      <ErrorAlert error={error} />
      <form onSubmit={handleSubmit} noValidate className="form-grid">
        <Field label={t('users.email')} name="email" type="email" required error={error} autoComplete="off" />
        <Field
          label={t('users.displayName')}
          name="displayName"
          required
          maxLength={limits.displayNameMaxLength}
          error={error}
          autoComplete="off"
        />
        <div className="field">
          <label htmlFor={roleId}>{t('users.role')}</label>
          <select id={roleId} name="role" defaultValue="advocate">
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={localeId}>{t('users.locale')}</label>
          <select id={localeId} name="locale" defaultValue={i18n.language}>
            <option value="en" lang="en">
              English
            </option>
            <option value="fr" lang="fr">
              Français
            </option>
          </select>
        </div>
        <Field
          label={t('users.password')}
          hint={t('users.passwordHint', { min: limits.passwordMinLength })}
          name="password"
          type="password"
          required
          minLength={limits.passwordMinLength}
          autoComplete="new-password"
          error={error}
        />
        <div className="form-actions">
          <button type="submit">{t('users.create')}</button>
        </div>
      </form>
    </section>
  )
}
