import { type ReactNode, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type NeedKind, type NeedStatus, needKinds, needStatuses } from '../../../common/contracts/cases.ts'
import { type CaseDetail, type Need, personLabel, type useCase } from './case-api.ts'
import { CaseError, SaveBar, useSaver } from './parts.tsx'

type Change = ReturnType<typeof useCase>['change']

/**
 * The needs assessment: what the person needs, each with where it stands (unmet, referred, met,
 * declined). A status change is saved when chosen; `renderExtra` lets a need carry more (a referral).
 */
export function NeedsPanel({
  kase,
  change,
  renderExtra,
}: {
  kase: CaseDetail
  change: Change
  renderExtra?: (need: Need) => ReactNode
}) {
  const { t } = useTranslation(['case-screens', 'cases'])
  return (
    <section className="panel needs" aria-labelledby="needs-heading">
      <h2 id="needs-heading">{t('needs.heading')}</h2>
      {kase.needs.length === 0 ? (
        <p>{t('needs.empty')}</p>
      ) : (
        <ul className="need-list">
          {kase.needs.map((need) => (
            <NeedRow key={need.id} kase={kase} need={need} change={change} extra={renderExtra?.(need)} />
          ))}
        </ul>
      )}
      {kase.abilities.update && <AddNeed kase={kase} change={change} />}
    </section>
  )
}

function NeedRow({
  kase,
  need,
  change,
  extra,
}: {
  kase: CaseDetail
  need: Need
  change: Change
  extra: ReactNode
}) {
  const { t, i18n } = useTranslation(['case-screens', 'cases'])
  const saver = useSaver()
  const statusId = useId()
  const kind = t(`cases:needKind.${need.kind}`)
  const since = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(
    new Date(need.statusChangedAt),
  )
  return (
    <li className={`need need-${need.status}`}>
      <div className="need-head">
        <p className="need-kind">
          <strong>{kind}</strong>
          {need.personId && <> · {personLabel(kase.people, need.personId, t)}</>}
        </p>
        <div className="field need-status">
          <label htmlFor={statusId}>
            {t('needs.status')}
            <span className="visually-hidden"> {t('needs.statusOf', { need: kind })}</span>
          </label>
          <select
            id={statusId}
            value={need.status}
            disabled={!kase.abilities.update}
            onChange={(event) =>
              void saver.run(() => change('PATCH', `/needs/${need.id}`, { status: event.target.value }))
            }
          >
            {needStatuses.map((status) => (
              <option key={status} value={status}>
                {t(`cases:needStatus.${status}`)}
              </option>
            ))}
          </select>
          <p className="field-hint">
            {t('needs.since', { date: since })} <span aria-live="polite">{saver.status}</span>
          </p>
        </div>
        {kase.abilities.update && (
          <button
            type="button"
            className="secondary"
            aria-label={t('needs.removeLabel', { need: kind })}
            onClick={() => void saver.run(() => change('DELETE', `/needs/${need.id}`), 'removed')}
          >
            {t('needs.remove')}
          </button>
        )}
      </div>
      <CaseError error={saver.error} />
      {extra}
    </li>
  )
}

function AddNeed({ kase, change }: { kase: CaseDetail; change: Change }) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const saver = useSaver()
  const [kind, setKind] = useState<NeedKind | ''>('')
  const [status, setStatus] = useState<NeedStatus>('unmet')
  const [personId, setPersonId] = useState('')
  const ids = { kind: useId(), status: useId(), person: useId() }
  const recorded = new Set(kase.needs.map((need) => `${need.kind}:${need.personId ?? ''}`))
  return (
    <form
      className="add-need"
      aria-label={t('needs.addHeading')}
      onSubmit={(event) => {
        event.preventDefault()
        if (!kind) return
        void saver
          .run(
            () => change('POST', '/needs', { kind, status, ...(personId ? { personId } : {}) }),
            'needAdded',
          )
          .then((saved) => {
            if (!saved) return
            setKind('')
            setStatus('unmet')
          })
      }}
    >
      <h3>{t('needs.addHeading')}</h3>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.kind}>{t('needs.kind')}</label>
          <select id={ids.kind} value={kind} onChange={(event) => setKind(event.target.value as NeedKind)}>
            <option value="">{t('needs.chooseKind')}</option>
            {needKinds.map((value) => (
              <option key={value} value={value} disabled={recorded.has(`${value}:${personId}`)}>
                {t(`cases:needKind.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>{t('needs.status')}</label>
          <select
            id={ids.status}
            value={status}
            onChange={(event) => setStatus(event.target.value as NeedStatus)}
          >
            {needStatuses.map((value) => (
              <option key={value} value={value}>
                {t(`cases:needStatus.${value}`)}
              </option>
            ))}
          </select>
        </div>
        {kase.people.length > 0 && (
          <div className="field">
            <label htmlFor={ids.person}>{t('needs.person')}</label>
            <select id={ids.person} value={personId} onChange={(event) => setPersonId(event.target.value)}>
              <option value="">{t('needs.noPerson')}</option>
              {kase.people.map((person) => (
                <option key={person.id} value={person.id}>
                  {personLabel(kase.people, person.id, t)}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <SaveBar
        saver={saver}
        label={t('needs.add')}
        disabled={!kind}
        labels={{ kind: t('needs.kind'), status: t('needs.status'), personId: t('needs.person') }}
      />
    </form>
  )
}
