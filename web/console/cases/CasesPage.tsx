import { type FormEvent, useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type BreakGlassEntry,
  type CaseDetail,
  type CaseList,
  type CaseSummary,
  caseLimits,
  caseNumberPattern,
} from '../../../common/contracts/cases.ts'
import type { FollowUpList } from '../../../common/contracts/referrals.ts'
import { type ProvinceCode, provinces } from '../../../common/geography.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert } from '../../shared/fields.tsx'
import { navigate, usePath } from '../router.ts'
import { ScrollRegion } from '../ScrollRegion.tsx'
import { useConsole } from '../session.tsx'
import { CaseScreen } from './CaseScreen.tsx'
import { CaseError } from './parts.tsx'
import { ReferPage } from './Referrals.tsx'
import './cases.css'

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const casePath = new RegExp(`^/cases/(${uuid})$`, 'i')
const referPath = new RegExp(`^/cases/(${uuid})/refer/(${uuid})$`, 'i')

/** The cases section: the list at /cases, a case at /cases/<id>, a referral at /cases/<id>/refer/<need>. */
export function CasesPage() {
  const path = usePath()
  const refer = referPath.exec(path)
  if (refer) return <ReferPage key={path} caseId={refer[1]!} needId={refer[2]!} />
  const match = casePath.exec(path)
  if (match) return <CaseScreen key={match[1]} caseId={match[1]!} />
  return <CasesList />
}

/** How long an open case may rest before it is listed as needing follow-up. */
const followUpDays = 7
const pageSize = 25

/**
 * Cases needing follow-up: open, and the person was not safe or unsure when last asked, or nobody
 * has worked on the case for a week.
 */
export function needsFollowUp(item: CaseSummary, now: number): boolean {
  if (item.status !== 'open') return false
  if (item.safetyStatus === 'no' || item.safetyStatus === 'unsure') return true
  return now - new Date(item.lastWorkedAt).getTime() > followUpDays * 24 * 3600 * 1000
}

type Scope = 'mine' | 'all'
type StatusFilter = 'open' | 'closed' | 'any'

function CasesList() {
  const { t } = useTranslation('case-screens')
  const { api, can } = useConsole()
  const supervisor = can('case.supervise')
  const [scope, setScope] = useState<Scope>(supervisor ? 'all' : 'mine')
  const [status, setStatus] = useState<StatusFilter>('open')
  const [search, setSearch] = useState('')
  const [applied, setApplied] = useState('')
  const [list, setList] = useState<CaseList | null>(null)
  const [followUp, setFollowUp] = useState<CaseSummary[] | null>(null)
  const [referralsDue, setReferralsDue] = useState<FollowUpList | null>(null)
  const [offset, setOffset] = useState(0)
  const [error, setError] = useState<ApiError | null>(null)
  const ids = { search: useId(), status: useId() }

  const query = useCallback(
    (extra: Record<string, string | number | undefined>) => {
      const text = applied.trim()
      const number = caseNumberPattern.test(text.toUpperCase()) ? text.toUpperCase() : undefined
      return {
        number,
        q: number || !text ? undefined : text,
        assignedToMe: scope === 'mine' && supervisor ? 'true' : undefined,
        ...extra,
      }
    },
    [applied, scope, supervisor],
  )

  useEffect(() => {
    let cancelled = false
    setError(null)
    api
      .get<CaseList>(
        '/api/cases',
        query({ status: status === 'any' ? undefined : status, limit: pageSize, offset }),
      )
      .then(
        (answer) => {
          if (!cancelled) setList(answer)
        },
        (caught) => {
          if (!cancelled) setError(caught instanceof ApiError ? caught : null)
        },
      )
    return () => {
      cancelled = true
    }
  }, [api, query, status, offset])

  useEffect(() => {
    let cancelled = false
    api
      .get<CaseList>('/api/cases', {
        status: 'open',
        limit: 100,
        assignedToMe: scope === 'mine' && supervisor ? 'true' : undefined,
      })
      .then(
        (answer) => {
          if (!cancelled) setFollowUp(answer.cases.filter((item) => needsFollowUp(item, Date.now())))
        },
        () => {
          if (!cancelled) setFollowUp([])
        },
      )
    return () => {
      cancelled = true
    }
  }, [api, scope, supervisor])

  useEffect(() => {
    if (!can('case.manage')) return
    let cancelled = false
    api.get<FollowUpList>('/api/referrals/follow-ups', { limit: 50 }).then(
      (answer) => {
        if (!cancelled) setReferralsDue(answer)
      },
      () => {
        if (!cancelled) setReferralsDue(null)
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, can])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setOffset(0)
    setApplied(search)
  }

  return (
    <>
      <h1>{t('list.heading')}</h1>
      <p>
        {supervisor
          ? t('list.introSupervisor')
          : can('case.break_glass')
            ? t('list.introAdmin')
            : t('list.introAdvocate')}
      </p>
      {can('case.break_glass') && <BreakGlassForm />}
      {supervisor && (
        <fieldset className="scope">
          <legend>{t('list.scope')}</legend>
          {(['all', 'mine'] as const).map((value) => (
            <label key={value} className="check">
              <input
                type="radio"
                name="case-scope"
                checked={scope === value}
                onChange={() => {
                  setOffset(0)
                  setScope(value)
                }}
              />
              {t(`list.scopes.${value}`)}
            </label>
          ))}
        </fieldset>
      )}
      <section className="panel follow-up" aria-labelledby="follow-up-heading">
        <h2 id="follow-up-heading">{t('list.followUp')}</h2>
        <p className="field-hint">{t('list.followUpRule', { days: followUpDays })}</p>
        {followUp && followUp.length === 0 && <p>{t('list.followUpNone')}</p>}
        {followUp && followUp.length > 0 && (
          <CaseTable cases={followUp} caption={t('list.followUp')} hiddenCaption />
        )}
        {referralsDue && <ReferralsDue list={referralsDue} />}
      </section>
      <form className="case-search" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor={ids.search}>{t('list.search')}</label>
          <input
            id={ids.search}
            type="search"
            value={search}
            maxLength={100}
            aria-describedby={`${ids.search}-hint`}
            onChange={(event) => setSearch(event.target.value)}
          />
          <p id={`${ids.search}-hint`} className="field-hint">
            {t('list.searchHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>{t('list.status')}</label>
          <select
            id={ids.status}
            value={status}
            onChange={(event) => {
              setOffset(0)
              setStatus(event.target.value as StatusFilter)
            }}
          >
            <option value="open">{t('list.statuses.open')}</option>
            <option value="closed">{t('list.statuses.closed')}</option>
            <option value="any">{t('list.statuses.any')}</option>
          </select>
        </div>
        <button type="submit">{t('list.submit')}</button>
      </form>
      <ErrorAlert error={error} />
      <p role="status" className="result-count">
        {list ? t('list.count', { count: list.total }) : ''}
      </p>
      {list && list.cases.length > 0 && <CaseTable cases={list.cases} caption={t('list.caption')} />}
      {list && list.total > pageSize && (
        <div className="row-actions pager">
          <button
            type="button"
            className="secondary"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - pageSize))}
          >
            {t('list.previous')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={offset + pageSize >= list.total}
            onClick={() => setOffset(offset + pageSize)}
          >
            {t('list.next')}
          </button>
        </div>
      )}
      {supervisor && <BreakGlassLog />}
    </>
  )
}

/**
 * An administrator opens a case by its number with a written reason: the server records the
 * opening and the reason in the audit log, lists it to supervisors, and lets the case be read for
 * an hour. The warning says so before anything is typed.
 */
function BreakGlassForm() {
  const { t } = useTranslation('case-screens')
  const { api } = useConsole()
  const [number, setNumber] = useState('')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const ids = { number: useId(), reason: useId(), warning: useId() }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const opened = await api.send<CaseDetail>('POST', '/api/cases/break-glass', { number, reason })
      navigate(`/cases/${opened.id}`)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
      setBusy(false)
    }
  }

  return (
    <section className="panel break-glass" aria-labelledby="break-glass-heading">
      <h2 id="break-glass-heading">{t('list.breakGlass.heading')}</h2>
      <p id={ids.warning} className="alert">
        {t('list.breakGlass.warning')}
      </p>
      <form
        className="case-form"
        aria-labelledby="break-glass-heading"
        aria-describedby={ids.warning}
        onSubmit={submit}
      >
        <div className="field">
          <label htmlFor={ids.number}>{t('list.breakGlass.number')}</label>
          <input
            id={ids.number}
            value={number}
            maxLength={20}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${ids.number}-hint`}
            onChange={(event) => setNumber(event.target.value)}
          />
          <p id={`${ids.number}-hint`} className="field-hint">
            {t('list.breakGlass.numberHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.reason}>{t('list.breakGlass.reason')}</label>
          <textarea
            id={ids.reason}
            rows={3}
            value={reason}
            maxLength={caseLimits.breakGlassReasonMaxLength}
            aria-describedby={`${ids.reason}-hint`}
            onChange={(event) => setReason(event.target.value)}
          />
          <p id={`${ids.reason}-hint`} className="field-hint">
            {t('list.breakGlass.reasonHint', { min: caseLimits.breakGlassReasonMinLength })}
          </p>
        </div>
        <CaseError
          error={error}
          labels={{ number: t('list.breakGlass.number'), reason: t('list.breakGlass.reason') }}
        />
        <button type="submit" className="danger" disabled={busy}>
          {t('list.breakGlass.submit')}
        </button>
      </form>
    </section>
  )
}

/** For supervisors: every break-the-glass opening, newest first, with the administrator's reason. */
function BreakGlassLog() {
  const { t, i18n } = useTranslation('case-screens')
  const { api } = useConsole()
  const [entries, setEntries] = useState<BreakGlassEntry[] | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })

  useEffect(() => {
    let cancelled = false
    api.get<{ entries: BreakGlassEntry[] }>('/api/cases/break-glass').then(
      (answer) => {
        if (!cancelled) setEntries(answer.entries)
      },
      (caught) => {
        if (!cancelled) setError(caught instanceof ApiError ? caught : null)
      },
    )
    return () => {
      cancelled = true
    }
  }, [api])

  return (
    <section className="panel break-glass-log" aria-labelledby="break-glass-log-heading">
      <h2 id="break-glass-log-heading">{t('list.breakGlassLog.heading')}</h2>
      <p className="field-hint">{t('list.breakGlassLog.intro')}</p>
      <ErrorAlert error={error} />
      {entries && entries.length === 0 && <p>{t('list.breakGlassLog.none')}</p>}
      {entries && entries.length > 0 && (
        <ScrollRegion label={t('list.breakGlassLog.heading')}>
          <table>
            <caption className="visually-hidden">{t('list.breakGlassLog.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.breakGlassLog.col.case')}</th>
                <th scope="col">{t('list.breakGlassLog.col.admin')}</th>
                <th scope="col">{t('list.breakGlassLog.col.reason')}</th>
                <th scope="col">{t('list.breakGlassLog.col.openedAt')}</th>
                <th scope="col">{t('list.breakGlassLog.col.expiresAt')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <th scope="row" className="nowrap">
                    <a
                      href={`/console/cases/${entry.caseId}`}
                      onClick={(event) => {
                        event.preventDefault()
                        navigate(`/cases/${entry.caseId}`)
                      }}
                    >
                      {entry.caseNumber}
                    </a>
                  </th>
                  <td>{entry.admin.displayName}</td>
                  <td>{entry.reason}</td>
                  <td>{when.format(new Date(entry.openedAt))}</td>
                  <td>{when.format(new Date(entry.expiresAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  )
}

function CaseTable({
  cases,
  caption,
  hiddenCaption = false,
}: {
  cases: CaseSummary[]
  caption: string
  hiddenCaption?: boolean
}) {
  const { t, i18n } = useTranslation(['case-screens', 'cases'])
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  return (
    <ScrollRegion label={caption}>
      <table className="case-table">
        <caption className={hiddenCaption ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('list.col.number')}</th>
            <th scope="col">{t('list.col.safety')}</th>
            <th scope="col">{t('list.col.place')}</th>
            <th scope="col">{t('list.col.signals')}</th>
            <th scope="col">{t('list.col.assigned')}</th>
            <th scope="col">{t('list.col.lastWorked')}</th>
            <th scope="col">{t('list.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((item) => (
            <tr key={item.id}>
              <th scope="row" className="nowrap">
                <a
                  href={`/console/cases/${item.id}`}
                  onClick={(event) => {
                    event.preventDefault()
                    navigate(`/cases/${item.id}`)
                  }}
                >
                  {item.number}
                </a>
              </th>
              <td>
                <span className={`safety-tag safety-${item.safetyStatus}`}>
                  {t(`cases:safetyStatus.${item.safetyStatus}`)}
                </span>
              </td>
              <td>
                {[
                  item.municipality,
                  item.province ? (provinces[item.province as ProvinceCode]?.[lang] ?? item.province) : null,
                ]
                  .filter(Boolean)
                  .join(', ') || t('list.placeUnknown')}
              </td>
              <td>{item.signalCount}</td>
              <td>{item.assignedTo?.displayName ?? t('case.unassigned')}</td>
              <td>{when.format(new Date(item.lastWorkedAt))}</td>
              <td>{t(`cases:caseStatus.${item.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  )
}

/** Referrals whose follow-up is due, among the cases the caller may see, soonest first. */
function ReferralsDue({ list }: { list: FollowUpList }) {
  const { t, i18n } = useTranslation(['case-screens', 'cases', 'referrals'])
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  return (
    <>
      <h3>{t('list.referralsDue')}</h3>
      {list.followUps.length === 0 ? (
        <p>{t('list.referralsDueNone')}</p>
      ) : (
        <ScrollRegion label={t('list.referralsDue')}>
          <table>
            <caption className="visually-hidden">{t('list.referralsDue')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.referralCol.case')}</th>
                <th scope="col">{t('list.referralCol.need')}</th>
                <th scope="col">{t('list.referralCol.service')}</th>
                <th scope="col">{t('list.referralCol.status')}</th>
                <th scope="col">{t('list.referralCol.due')}</th>
              </tr>
            </thead>
            <tbody>
              {list.followUps.map((item) => (
                <tr key={item.referralId}>
                  <th scope="row" className="nowrap">
                    <a
                      href={`/console/cases/${item.caseId}`}
                      onClick={(event) => {
                        event.preventDefault()
                        navigate(`/cases/${item.caseId}`)
                      }}
                    >
                      {item.caseNumber}
                    </a>
                  </th>
                  <td>{t(`cases:needKind.${item.needKind}`)}</td>
                  <td>
                    {item.serviceName} · {item.organizationName}
                  </td>
                  <td>{t(`referrals:outcome.${item.status}`)}</td>
                  <td>{date.format(new Date(item.followUpDueAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  )
}
