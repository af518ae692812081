import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { caseLimits } from '../../../common/contracts/cases.ts'
import { ApiError } from '../../shared/api.ts'
import { type CaseDetail, type Evaluation, personLabel, type useCase } from './case-api.ts'
import { CaseError, useSaver } from './parts.tsx'

type Change = ReturnType<typeof useCase>['change']
const knownBlockers = new Set(['child_protection_report_required', 'child_protection_age_to_confirm'])

/**
 * Closing the case: what still keeps it open is shown before trying (the protocol's blockers), and
 * the server's reasons when it refuses; a closed case can be reopened.
 */
export function CloseSection({
  kase,
  evaluation,
  change,
  onShowEscalations,
}: {
  kase: CaseDetail
  evaluation: Evaluation | null
  change: Change
  onShowEscalations: () => void
}) {
  const { t, i18n } = useTranslation('case-screens')
  const saver = useSaver()
  const [reason, setReason] = useState('')
  const id = useId()
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const refused =
    saver.error instanceof ApiError && saver.error.code === 'case_close_blocked' ? saver.error : null
  const blockers = evaluation?.closeBlockers ?? []

  if (kase.status === 'closed')
    return (
      <>
        <p>{t('close.closedOn', { date: kase.closedAt ? when.format(new Date(kase.closedAt)) : '' })}</p>
        {kase.closureReason && <p>{t('close.reasonWas', { reason: kase.closureReason })}</p>}
        {kase.abilities.reopen && (
          <div className="save-bar">
            <button
              type="button"
              className="secondary"
              onClick={() => void saver.run(() => change('POST', '/reopen'), 'reopened')}
            >
              {t('close.reopen')}
            </button>
            <span className="field-hint" aria-live="polite">
              {saver.status}
            </span>
          </div>
        )}
        <CaseError error={saver.error} />
      </>
    )

  return (
    <form
      className="case-form"
      aria-label={t('close.heading')}
      onSubmit={(event) => {
        event.preventDefault()
        void saver.run(
          () => change('POST', '/close', reason.trim() ? { reason: reason.trim() } : {}),
          'closed',
        )
      }}
    >
      {blockers.length > 0 && (
        <div className="blockers">
          <p>{t('close.stillNeeded')}</p>
          <ul>
            {blockers.map((blocker) => (
              <li key={blocker.code}>
                {t(`close.blocker.${blocker.code}`)}
                {blocker.personIds.length > 0 &&
                  ` — ${blocker.personIds.map((personId) => personLabel(kase.people, personId, t)).join(', ')}`}
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" onClick={onShowEscalations}>
            {t('close.goToEscalations')}
          </button>
        </div>
      )}
      <div className="field">
        <label htmlFor={id}>{t('close.reason')}</label>
        <textarea
          id={id}
          rows={2}
          maxLength={caseLimits.closureReasonMaxLength}
          value={reason}
          aria-describedby={`${id}-hint`}
          onChange={(event) => setReason(event.target.value)}
        />
        <p id={`${id}-hint`} className="field-hint">
          {t('close.reasonHint')}
        </p>
      </div>
      {refused ? (
        <div className="alert" role="alert">
          <p>{refused.message}</p>
          <ul>
            {refused.fields.map((field) => (
              <li key={`${field.path}:${field.code}`}>
                {knownBlockers.has(field.code) ? t(`close.blocker.${field.code}`) : field.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <CaseError error={saver.error} labels={{ reason: t('close.reason') }} />
      )}
      <div className="save-bar">
        <button type="submit" className="danger" disabled={saver.busy}>
          {t('close.submit')}
        </button>
        <span className="field-hint" aria-live="polite">
          {saver.status}
        </span>
      </div>
    </form>
  )
}
