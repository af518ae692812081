import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Assignee } from '../../../common/contracts/cases.ts'
import { ApiError } from '../../shared/api.ts'
import { useConsole } from '../session.tsx'
import type { CaseDetail, useCase } from './case-api.ts'
import { CaseError, useSaver } from './parts.tsx'

type Change = ReturnType<typeof useCase>['change']

/**
 * A supervisor gives the case to an advocate or supervisor: the choice is among the active staff
 * who work cases, and the one chosen reaches the case from then on.
 */
export function ReassignForm({ kase, change }: { kase: CaseDetail; change: Change }) {
  const { t } = useTranslation(['case-screens', 'console'])
  const { api } = useConsole()
  const saver = useSaver()
  const id = useId()
  const [assignees, setAssignees] = useState<Assignee[] | null>(null)
  const [loadError, setLoadError] = useState<ApiError | null>(null)
  const current = kase.assignedTo?.id ?? ''
  const [staffId, setStaffId] = useState(current)

  useEffect(() => {
    let cancelled = false
    api.get<{ assignees: Assignee[] }>('/api/cases/assignees').then(
      (answer) => {
        if (!cancelled) setAssignees(answer.assignees)
      },
      (caught) => {
        if (!cancelled) setLoadError(caught instanceof ApiError ? caught : null)
      },
    )
    return () => {
      cancelled = true
    }
  }, [api])

  if (loadError) return <CaseError error={loadError} />
  if (!assignees) return null
  return (
    <form
      className="reassign"
      aria-label={t('assignment.heading')}
      onSubmit={(event) => {
        event.preventDefault()
        void saver.run(() => change('POST', '/assignment', { staffId }), 'reassigned')
      }}
    >
      <div className="field">
        <label htmlFor={id}>{t('assignment.to')}</label>
        <select id={id} value={staffId} onChange={(event) => setStaffId(event.target.value)}>
          {!current && <option value="">{t('assignment.choose')}</option>}
          {kase.assignedTo && !assignees.some((assignee) => assignee.id === current) && (
            <option value={current}>{kase.assignedTo.displayName}</option>
          )}
          {assignees.map((assignee) => (
            <option key={assignee.id} value={assignee.id}>
              {t('assignment.option', {
                name: assignee.displayName,
                role: t(`console:role.${assignee.role}`),
              })}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="secondary" disabled={saver.busy || !staffId || staffId === current}>
        {t('assignment.submit')}
      </button>
      <span className="field-hint" aria-live="polite">
        {saver.status}
      </span>
      <CaseError error={saver.error} labels={{ staffId: t('assignment.to') }} />
    </form>
  )
}
