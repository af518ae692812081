import { type FormEvent, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CaseDetail, CaseList, CaseSummary } from '../../../common/contracts/cases.ts'
import { caseNumberPattern } from '../../../common/contracts/cases.ts'
import { ApiError } from '../../shared/api.ts'
import { navigate } from '../router.ts'
import { useConsole } from '../session.tsx'
import { CaseError } from './parts.tsx'

/**
 * From a conversation: open a case from it, or add it to an existing case: one of this contact's
 * earlier cases (the repeat-contact hint) or one found by its number. Either way the case opens.
 */
export function ConversationCase({ signalId }: { signalId: string }) {
  const { t } = useTranslation('case-screens')
  const { api, can } = useConsole()
  const [hints, setHints] = useState<CaseSummary[]>([])
  const [number, setNumber] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [notFound, setNotFound] = useState(false)
  const [busy, setBusy] = useState(false)
  const numberId = useId()
  const allowed = can('case.manage')

  useEffect(() => {
    if (!allowed) return
    let cancelled = false
    api.get<CaseList>('/api/cases/hints', { signalId }).then(
      (answer) => {
        if (!cancelled) setHints(answer.cases)
      },
      () => {
        if (!cancelled) setHints([])
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, signalId, allowed])

  if (!allowed) return null

  const run = async (work: () => Promise<string | null>) => {
    setError(null)
    setNotFound(false)
    setBusy(true)
    try {
      const caseId = await work()
      if (caseId) navigate(`/cases/${caseId}`)
      else setNotFound(true)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    } finally {
      setBusy(false)
    }
  }
  const open = () => run(async () => (await api.send<CaseDetail>('POST', '/api/cases', { signalId })).id)
  const attach = (caseId: string) =>
    run(async () => {
      await api.send('POST', `/api/cases/${caseId}/signals`, { signalId })
      return caseId
    })
  const attachByNumber = (event: FormEvent) => {
    event.preventDefault()
    const wanted = number.trim().toUpperCase()
    if (!caseNumberPattern.test(wanted)) {
      setNotFound(true)
      return
    }
    void run(async () => {
      const found = await api.get<CaseList>('/api/cases', { number: wanted, limit: 1 })
      const target = found.cases[0]
      if (!target) return null
      await api.send('POST', `/api/cases/${target.id}/signals`, { signalId })
      return target.id
    })
  }

  return (
    <section className="conversation-case" aria-labelledby={`${signalId}-case-heading`}>
      <h4 id={`${signalId}-case-heading`}>{t('fromConversation.heading')}</h4>
      <p className="field-hint">{t('fromConversation.intro')}</p>
      <div className="row-actions">
        <button type="button" disabled={busy} onClick={() => void open()}>
          {t('fromConversation.open')}
        </button>
      </div>
      {hints.length > 0 && (
        <div className="case-hints">
          <p>{t('fromConversation.hints', { count: hints.length })}</p>
          <ul>
            {hints.map((hint) => (
              <li key={hint.id}>
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  onClick={() => void attach(hint.id)}
                >
                  {t('fromConversation.attachTo', { number: hint.number })}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form className="attach-by-number" onSubmit={attachByNumber}>
        <div className="field">
          <label htmlFor={numberId}>{t('fromConversation.number')}</label>
          <input
            id={numberId}
            value={number}
            maxLength={20}
            aria-describedby={`${numberId}-hint${notFound ? ` ${numberId}-error` : ''}`}
            aria-invalid={notFound || undefined}
            onChange={(event) => setNumber(event.target.value)}
          />
          <p id={`${numberId}-hint`} className="field-hint">
            {t('fromConversation.numberHint')}
          </p>
          {notFound && (
            <p id={`${numberId}-error`} className="field-error" role="alert">
              {t('fromConversation.notFound')}
            </p>
          )}
        </div>
        <button type="submit" className="secondary" disabled={busy || !number.trim()}>
          {t('fromConversation.attach')}
        </button>
      </form>
      <CaseError error={error} labels={{ signalId: t('fromConversation.conversation') }} />
    </section>
  )
}
