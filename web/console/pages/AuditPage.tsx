import { type FormEvent, useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { auditPage } from '../../../common/contracts/audit.ts'
import type { User } from '../../../common/contracts/identity.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert, Field } from '../../shared/fields.tsx'
import { ScrollRegion } from '../ScrollRegion.tsx'
import { useConsole } from '../session.tsx'

type AuditPageData = import('zod').infer<typeof auditPage>
type AuditEvent = AuditPageData['events'][number]
interface Filters {
  actor?: string
  action?: string
  from?: string
  to?: string
}

/** The audit log, newest first, filtered by person, action and dates; each read is itself audited. */
export function AuditPage() {
  const { t, i18n } = useTranslation('console')
  const { api, can } = useConsole()
  const [filters, setFilters] = useState<Filters>({})
  const [events, setEvents] = useState<AuditEvent[]>([])
  const [nextBefore, setNextBefore] = useState<number | null>(null)
  const [people, setPeople] = useState<User[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  const actorId = useId()

  const load = useCallback(
    async (applied: Filters, before?: number) => {
      setError(null)
      try {
        const page = await api.get<AuditPageData>('/api/admin/audit', { ...applied, before })
        setEvents((current) => (before ? [...current, ...page.events] : page.events))
        setNextBefore(page.nextBefore)
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : null)
        setEvents([])
        setNextBefore(null)
      }
    },
    [api],
  )

  useEffect(() => {
    void load({})
    if (can('user.read'))
      api.get<{ users: User[] }>('/api/admin/users').then(
        (result) => setPeople(result.users),
        () => {},
      )
  }, [api, can, load])

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const read = (name: string) => String(form.get(name) ?? '').trim() || undefined
    const applied = { actor: read('actor'), action: read('action'), from: read('from'), to: read('to') }
    setFilters(applied)
    void load(applied)
  }
  const handleReset = () => {
    setFilters({})
    void load({})
  }
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' })

  return (
    <>
      <h1>{t('audit.heading')}</h1>
      <p>{t('audit.intro')}</p>
      <form onSubmit={handleSubmit} onReset={handleReset} className="panel filters" noValidate>
        <h2>{t('audit.filters')}</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={actorId}>{t('audit.actor')}</label>
            <select id={actorId} name="actor" defaultValue="">
              <option value="">{t('audit.anyone')}</option>
              {people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.displayName} ({person.email})
                </option>
              ))}
            </select>
          </div>
          <Field label={t('audit.action')} name="action" error={error} />
          <Field label={t('audit.from')} name="from" type="date" error={error} />
          <Field label={t('audit.to')} name="to" type="date" error={error} />
        </div>
        <div className="actions">
          <button type="submit">{t('audit.apply')}</button>
          <button type="reset" className="secondary">
            {t('audit.reset')}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      <ScrollRegion label={t('audit.caption')}>
        <table>
          <caption>{t('audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.col.seq')}</th>
              <th scope="col">{t('audit.col.when')}</th>
              <th scope="col">{t('audit.col.who')}</th>
              <th scope="col">{t('audit.col.action')}</th>
              <th scope="col">{t('audit.col.entity')}</th>
              <th scope="col">{t('audit.col.address')}</th>
              <th scope="col">{t('audit.col.requestId')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.seq}>
                <td>{event.seq}</td>
                <td className="nowrap">{when.format(new Date(event.occurredAt))}</td>
                <td>{event.actorLabel}</td>
                <td>
                  <code>{event.action}</code>
                </td>
                <td>{event.entityType ? `${event.entityType} ${event.entityId?.slice(0, 8) ?? ''}` : ''}</td>
                <td>{event.address ?? ''}</td>
                <td>
                  <code>{event.requestId?.slice(0, 8) ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {events.length === 0 && !error && <p>{t('audit.empty')}</p>}
      {nextBefore !== null && (
        <button type="button" className="secondary" onClick={() => void load(filters, nextBefore)}>
          {t('audit.older')}
        </button>
      )}
    </>
  )
}
