import { useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { entityTypes, queueEntry, verificationOutcomes } from '../../../common/contracts/directory.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert } from '../../shared/fields.tsx'
import { navigate } from '../router.ts'
import { ScrollRegion } from '../ScrollRegion.tsx'
import { useConsole } from '../session.tsx'

type Entry = import('zod').infer<typeof queueEntry>
type EntityType = (typeof entityTypes)[number]
type Outcome = (typeof verificationOutcomes)[number]
const outcomes: Outcome[] = ['confirmed', 'changed', 'unreachable', 'closed']

/** The verification queue: entries due for a check, and the log of each check made. */
export function VerificationPage() {
  const { t, i18n } = useTranslation('directory')
  const { api } = useConsole()
  const [entityType, setEntityType] = useState<EntityType | ''>('')
  const [entries, setEntries] = useState<Entry[] | null>(null)
  const [notes, setNotes] = useState<Record<string, string>>({})
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const typeId = useId()

  const load = useCallback(
    async (type: EntityType | '') => {
      try {
        const answer = await api.get<{ entries: Entry[] }>('/api/directory/verification-queue', {
          entityType: type || undefined,
          lang: i18n.language,
        })
        setEntries(answer.entries)
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : null)
      }
    },
    [api, i18n.language],
  )
  useEffect(() => {
    void load(entityType)
  }, [load, entityType])

  const record = async (entry: Entry, outcome: Outcome) => {
    setError(null)
    try {
      await api.send('POST', '/api/directory/verifications', {
        entityType: entry.entityType,
        entityId: entry.id,
        outcome,
        note: notes[entry.id]?.trim() || null,
      })
      setNotice(t('verification.logged', { outcome: t(`verification.outcome.${outcome}`), name: entry.name }))
      await load(entityType)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })

  return (
    <>
      <h1>{t('verification.heading')}</h1>
      <p>{t('verification.intro')}</p>
      <div className="field narrow-field">
        <label htmlFor={typeId}>{t('verification.type')}</label>
        <select
          id={typeId}
          value={entityType}
          onChange={(event) => setEntityType(event.target.value as EntityType | '')}
        >
          <option value="">{t('verification.all')}</option>
          {(['organization', 'service', 'location'] as const).map((type) => (
            <option key={type} value={type}>
              {t(`verification.entityType.${type}`)}
            </option>
          ))}
        </select>
      </div>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      <ErrorAlert error={error} />
      {entries && entries.length === 0 && <p>{t('verification.empty')}</p>}
      {entries && entries.length > 0 && (
        <ScrollRegion label={t('verification.caption')}>
          <table>
            <caption>{t('verification.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('verification.col.type')}</th>
                <th scope="col">{t('verification.col.name')}</th>
                <th scope="col">{t('verification.col.due')}</th>
                <th scope="col">{t('verification.col.note')}</th>
                <th scope="col">{t('verification.col.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={`${entry.entityType}:${entry.id}`}>
                  <td>{t(`verification.entityType.${entry.entityType}`)}</td>
                  <th scope="row">
                    {entry.entityType === 'organization' ? (
                      <a
                        href={`/console/directory/organizations/${encodeURIComponent(entry.id)}`}
                        onClick={(event) => {
                          event.preventDefault()
                          navigate(`/directory/organizations/${encodeURIComponent(entry.id)}`)
                        }}
                      >
                        {entry.name}
                      </a>
                    ) : (
                      entry.name
                    )}
                    {entry.organizationName && (
                      <span className="field-hint"> — {entry.organizationName}</span>
                    )}
                    {entry.confidential && (
                      <span className="badge confidential">{t('result.confidential')}</span>
                    )}
                  </th>
                  <td className="nowrap">
                    {entry.lastVerifiedAt ? date.format(new Date(entry.dueAt)) : t('verification.never')}
                  </td>
                  <td>
                    <input
                      aria-label={`${t('verification.note')}: ${entry.name}`}
                      value={notes[entry.id] ?? ''}
                      maxLength={2000}
                      onChange={(event) => setNotes({ ...notes, [entry.id]: event.target.value })}
                    />
                  </td>
                  <td>
                    <div className="row-actions">
                      {outcomes.map((outcome) => (
                        <button
                          key={outcome}
                          type="button"
                          className={outcome === 'closed' ? 'danger' : 'secondary'}
                          aria-label={`${t(`verification.outcome.${outcome}`)}: ${entry.name}`}
                          onClick={() => void record(entry, outcome)}
                        >
                          {t(`verification.outcome.${outcome}`)}
                        </button>
                      ))}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  )
}
