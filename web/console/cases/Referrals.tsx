import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DirectoryResult } from '../../../common/contracts/directory.ts'
import {
  type ReferralOutcome,
  referralLimits,
  referralOutcomes,
  type SearchDefaults,
  type ShareableReferralField,
  shareableReferralFields,
} from '../../../common/contracts/referrals.ts'
import { ApiError } from '../../shared/api.ts'
import { DirectorySearch, type SearchState } from '../../shared/directory/DirectorySearch.tsx'
import { ErrorAlert } from '../../shared/fields.tsx'
import { navigate } from '../router.ts'
import { useConsole } from '../session.tsx'
import { type CaseDetail, type Need, personLabel, type ReferralView, useCase } from './case-api.ts'
import { CaseError, SaveBar, useSaver } from './parts.tsx'

type Refer = ReturnType<typeof useCase>['refer']

function useFormat() {
  const { i18n } = useTranslation()
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  return {
    dateTime: (value: string) => dateTime.format(new Date(value)),
    date: (value: string) => date.format(new Date(value)),
  }
}

/** A date input's value (local calendar day) as an instant: noon that day, so no zone moves it. */
function dayToInstant(day: string): string {
  return new Date(`${day}T12:00:00`).toISOString()
}

/** Under a need: its referrals, each with its outcome and follow-up, and the way to refer it. */
export function NeedReferrals({
  kase,
  need,
  referrals,
  refer,
}: {
  kase: CaseDetail
  need: Need
  referrals: ReferralView[]
  refer: Refer
}) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const mine = referrals.filter((referral) => referral.needId === need.id)
  return (
    <div className="need-referrals">
      {mine.length > 0 && (
        <ul className="referral-list">
          {mine.map((referral) => (
            <li key={referral.id}>
              <ReferralCard kase={kase} referral={referral} refer={refer} />
            </li>
          ))}
        </ul>
      )}
      {kase.abilities.update && (
        <a
          className="button-link secondary"
          href={`/console/cases/${kase.id}/refer/${need.id}`}
          onClick={(event) => {
            event.preventDefault()
            navigate(`/cases/${kase.id}/refer/${need.id}`)
          }}
        >
          {t('referral.refer', { need: t(`cases:needKind.${need.kind}`) })}
        </a>
      )}
    </div>
  )
}

function ReferralCard({ kase, referral, refer }: { kase: CaseDetail; referral: ReferralView; refer: Refer }) {
  const { t } = useTranslation(['case-screens', 'referrals'])
  const format = useFormat()
  return (
    <article className={`referral referral-${referral.status}`} aria-label={referral.service.name}>
      <p className="referral-head">
        <strong>{referral.service.name}</strong> · {referral.service.organizationName}{' '}
        <span className={`badge referral-outcome-${referral.status}`}>
          {t(`referrals:outcome.${referral.status}`)}
        </span>
      </p>
      <p className="field-hint">
        {t('referral.since', { date: format.dateTime(referral.statusChangedAt) })}
        {referral.followUpDueAt &&
          ` · ${t('referral.followUpDue', { date: format.date(referral.followUpDueAt) })}`}
        {referral.personId && ` · ${personLabel(kase.people, referral.personId, t)}`}
      </p>
      <p className="field-hint">
        {referral.consent.given
          ? t('referral.consentShared', {
              fields:
                referral.consent.fields.map((field) => t(`referrals:field.${field}`)).join(', ') ||
                t('referral.nothing'),
            })
          : t('referral.noConsent')}
        {referral.email.status !== 'not_requested' &&
          ` · ${t(`referrals:emailStatus.${referral.email.status}`)}`}
      </p>
      {referral.handoffNote && <p className="referral-note">{referral.handoffNote}</p>}
      <details className="referral-history">
        <summary>{t('referral.history', { count: referral.history.length })}</summary>
        <ol>
          {referral.history.map((event) => (
            <li key={`${event.recordedAt}:${event.status}`}>
              {t(`referrals:outcome.${event.status}`)} — {format.dateTime(event.occurredAt)}
              {event.recordedBy && ` · ${event.recordedBy.displayName}`}
              {event.note && ` — ${event.note}`}
            </li>
          ))}
        </ol>
      </details>
      {kase.abilities.update && <OutcomeForm referral={referral} refer={refer} />}
      {kase.abilities.update && referral.email.status === 'failed' && (
        <ResendEmail referral={referral} refer={refer} />
      )}
      <PersonEmailStatus referral={referral} />
      {kase.abilities.update && <EmailToPerson kase={kase} referral={referral} refer={refer} />}
    </article>
  )
}

function OutcomeForm({ referral, refer }: { referral: ReferralView; refer: Refer }) {
  const { t } = useTranslation(['case-screens', 'referrals'])
  const saver = useSaver()
  const [status, setStatus] = useState<ReferralOutcome>(referral.status)
  const [note, setNote] = useState('')
  const [followUp, setFollowUp] = useState('')
  const ids = { status: useId(), note: useId(), followUp: useId() }
  return (
    <details className="referral-outcome">
      <summary>{t('referral.recordOutcome')}</summary>
      <form
        aria-label={t('referral.outcomeFor', { service: referral.service.name })}
        onSubmit={(event) => {
          event.preventDefault()
          void saver
            .run(
              () =>
                refer(`/${referral.id}/outcome`, {
                  status,
                  ...(note.trim() ? { note: note.trim() } : {}),
                  ...(followUp ? { followUpDueAt: dayToInstant(followUp) } : {}),
                }),
              'outcomeRecorded',
            )
            .then((saved) => {
              if (saved) setNote('')
            })
        }}
      >
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.status}>{t('referral.outcome')}</label>
            <select
              id={ids.status}
              value={status}
              onChange={(event) => setStatus(event.target.value as ReferralOutcome)}
            >
              {referralOutcomes.map((value) => (
                <option key={value} value={value}>
                  {t(`referrals:outcome.${value}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.followUp}>{t('referral.nextFollowUp')}</label>
            <input
              id={ids.followUp}
              type="date"
              value={followUp}
              aria-describedby={`${ids.followUp}-hint`}
              onChange={(event) => setFollowUp(event.target.value)}
            />
            <p id={`${ids.followUp}-hint`} className="field-hint">
              {t('referral.nextFollowUpHint')}
            </p>
          </div>
        </div>
        <div className="field">
          <label htmlFor={ids.note}>{t('referral.outcomeNote')}</label>
          <textarea
            id={ids.note}
            rows={2}
            maxLength={referralLimits.noteMaxLength}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </div>
        <SaveBar
          saver={saver}
          label={t('referral.saveOutcome')}
          labels={{
            status: t('referral.outcome'),
            note: t('referral.outcomeNote'),
            followUpDueAt: t('referral.nextFollowUp'),
            occurredAt: t('referral.outcome'),
          }}
        />
      </form>
    </details>
  )
}

function ResendEmail({ referral, refer }: { referral: ReferralView; refer: Refer }) {
  const { t } = useTranslation('case-screens')
  const saver = useSaver()
  return (
    <div className="save-bar">
      {referral.email.error && <p className="field-hint">{referral.email.error}</p>}
      <button
        type="button"
        className="secondary"
        disabled={saver.busy}
        onClick={() => void saver.run(() => refer(`/${referral.id}/email`, {}), 'emailSent')}
      >
        {t('referral.resend')}
      </button>
      <span className="field-hint" aria-live="polite">
        {saver.status}
      </span>
      <CaseError error={saver.error} />
    </div>
  )
}

/** Whether someone the referral is for (everyone in the case when it names nobody) said email is unsafe. */
function emailSaidUnsafe(kase: CaseDetail, referral: ReferralView): boolean {
  const people = referral.personId
    ? kase.people.filter((person) => person.id === referral.personId)
    : kase.people
  return people.some(
    (person) => person.safeContact.email.state === 'given' && person.safeContact.email.value === false,
  )
}

/** The latest email of the service's details to the person: where, when and by whom, or why not. */
function PersonEmailStatus({ referral }: { referral: ReferralView }) {
  const { t } = useTranslation('case-screens')
  const format = useFormat()
  const sent = referral.personEmail
  if (sent.status === 'not_requested') return null
  return (
    <p className="field-hint">
      {sent.status === 'sent' && sent.sentAt
        ? t('referral.personEmail.sent', {
            to: sent.to ?? '',
            date: format.dateTime(sent.sentAt),
            name: sent.by?.displayName ?? '',
          })
        : t(`referral.personEmail.${sent.status === 'failed' ? 'failed' : 'pending'}`, {
            error: sent.error ?? '',
          })}
    </p>
  )
}

/**
 * Emailing the person the service's details (name, address, phone, hours, languages; nothing about
 * the case). When the person said an email is not safe, the server refuses unless a reason is given:
 * the reason's field shows from the start when the case says so, or once the server has refused.
 */
function EmailToPerson({
  kase,
  referral,
  refer,
}: {
  kase: CaseDetail
  referral: ReferralView
  refer: Refer
}) {
  const { t } = useTranslation(['case-screens', 'referrals'])
  const saver = useSaver()
  const [to, setTo] = useState('')
  const [language, setLanguage] = useState<'' | 'en' | 'fr'>('')
  const [reason, setReason] = useState('')
  const ids = { to: useId(), language: useId(), reason: useId() }
  const unsafe = emailSaidUnsafe(kase, referral) || saver.error?.code === 'contact_unsafe'
  const labels = {
    to: t('referral.personEmail.to'),
    language: t('referral.personEmail.language'),
    override: t('referral.personEmail.thisEmail'),
    'override.reason': t('referral.personEmail.reason'),
  }
  return (
    <details className="referral-person-email">
      <summary>{t('referral.personEmail.open')}</summary>
      <form
        aria-label={t('referral.personEmail.formFor', { service: referral.service.name })}
        onSubmit={(event) => {
          event.preventDefault()
          void saver
            .run(async () => {
              const answer = await refer(`/${referral.id}/person-email`, {
                to: to.trim(),
                ...(language ? { language } : {}),
                ...(unsafe && reason.trim() ? { override: { reason: reason.trim() } } : {}),
              })
              if (answer.personEmail.status !== 'sent')
                throw new ApiError(
                  502,
                  'internal_error',
                  t('referral.personEmail.failed', { error: answer.personEmail.error ?? '' }),
                )
            }, 'personEmailSent')
            .then((saved) => {
              if (saved) {
                setTo('')
                setReason('')
              }
            })
        }}
      >
        <p className="field-hint">{t('referral.personEmail.what')}</p>
        {unsafe && (
          <p className="alert" role="status">
            {t('referral.personEmail.unsafe')}
          </p>
        )}
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.to}>{labels.to}</label>
            <input
              id={ids.to}
              type="email"
              autoComplete="off"
              maxLength={254}
              value={to}
              aria-describedby={`${ids.to}-hint`}
              onChange={(event) => setTo(event.target.value)}
            />
            <p id={`${ids.to}-hint`} className="field-hint">
              {t('referral.personEmail.toHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={ids.language}>{labels.language}</label>
            <select
              id={ids.language}
              value={language}
              onChange={(event) => setLanguage(event.target.value as '' | 'en' | 'fr')}
            >
              <option value="">{t('referral.personEmail.languageDefault')}</option>
              <option value="en" lang="en">
                English
              </option>
              <option value="fr" lang="fr">
                Français
              </option>
            </select>
          </div>
        </div>
        {unsafe && (
          <div className="field">
            <label htmlFor={ids.reason}>{labels['override.reason']}</label>
            <textarea
              id={ids.reason}
              rows={2}
              maxLength={1000}
              value={reason}
              aria-describedby={`${ids.reason}-hint`}
              onChange={(event) => setReason(event.target.value)}
            />
            <p id={`${ids.reason}-hint`} className="field-hint">
              {t('referral.personEmail.reasonHint')}
            </p>
          </div>
        )}
        <SaveBar
          saver={saver}
          label={unsafe ? t('referral.personEmail.sendAnyway') : t('referral.personEmail.send')}
          labels={labels}
        />
      </form>
    </details>
  )
}

/** The directory search's starting state from the case's search defaults. */
function initialSearch(filters: SearchDefaults['filters']): Partial<SearchState> {
  const list = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : [])
  return {
    serviceType: list(filters.serviceType),
    population: list(filters.population),
    language: list(filters.language)[0] ?? '',
    province: filters.province ?? '',
    nearMunicipality: filters.nearMunicipality ?? '',
    age: filters.age ?? '',
  }
}

/**
 * Referring a need: the directory search, started from what the case records (place, languages,
 * populations, age), then the chosen service with the person's consent and a warm-handoff note.
 */
export function ReferPage({ caseId, needId }: { caseId: string; needId: string }) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const { api } = useConsole()
  const { detail: kase, loadError, refer } = useCase(caseId)
  const [defaults, setDefaults] = useState<SearchDefaults | null>(null)
  const [chosen, setChosen] = useState<DirectoryResult | null>(null)
  useEffect(() => {
    let cancelled = false
    api.get<SearchDefaults>(`/api/cases/${caseId}/referrals/search-defaults`, { needId }).then(
      (answer) => {
        if (!cancelled) setDefaults(answer)
      },
      () => {
        if (!cancelled) setDefaults({ filters: {}, basis: { needId, personIds: [] } })
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, caseId, needId])

  const back = (
    <p className="back-link">
      <a
        href={`/console/cases/${caseId}`}
        onClick={(event) => {
          event.preventDefault()
          navigate(`/cases/${caseId}`)
        }}
      >
        {t('referral.backToCase')}
      </a>
    </p>
  )
  if (loadError)
    return (
      <>
        {back}
        <ErrorAlert error={loadError} />
      </>
    )
  if (!kase || !defaults) return <p role="status">{t('common:loading')}</p>
  const need = kase.needs.find((item) => item.id === needId)
  if (!need)
    return (
      <>
        {back}
        <p className="alert">{t('referral.needGone')}</p>
      </>
    )
  const kind = t(`cases:needKind.${need.kind}`)
  return (
    <div className="refer-page">
      {back}
      <h1>{t('referral.heading', { need: kind })}</h1>
      <p className="case-meta">{t('case.heading', { number: kase.number })}</p>
      {chosen ? (
        <ReferralForm
          kase={kase}
          need={need}
          service={chosen}
          refer={refer}
          onCancel={() => setChosen(null)}
          onDone={() => navigate(`/cases/${caseId}`)}
        />
      ) : (
        <>
          <p>{t('referral.searchIntro')}</p>
          <DirectorySearch
            api={api}
            endpoint="/api/directory/search"
            headingLevel={2}
            initial={initialSearch(defaults.filters)}
            renderAction={(result) => (
              <button type="button" className="refer-action" onClick={() => setChosen(result)}>
                {t('referral.choose', { service: result.name })}
              </button>
            )}
          />
        </>
      )}
    </div>
  )
}

function ReferralForm({
  kase,
  need,
  service,
  refer,
  onCancel,
  onDone,
}: {
  kase: CaseDetail
  need: Need
  service: DirectoryResult
  refer: Refer
  onCancel: () => void
  onDone: () => void
}) {
  const { t } = useTranslation(['case-screens', 'referrals'])
  const saver = useSaver()
  const [consent, setConsent] = useState<'yes' | 'no' | ''>('')
  const [fields, setFields] = useState<ShareableReferralField[]>([])
  const [alias, setAlias] = useState('')
  const [note, setNote] = useState('')
  const [followUp, setFollowUp] = useState('')
  const [sendEmail, setSendEmail] = useState(false)
  const ids = { alias: useId(), note: useId(), followUp: useId() }
  const given = consent === 'yes'
  const toggle = (field: ShareableReferralField) =>
    setFields(fields.includes(field) ? fields.filter((item) => item !== field) : [...fields, field])
  return (
    <section className="panel referral-form" aria-labelledby="referral-form-heading">
      <h2 id="referral-form-heading">{t('referral.formHeading', { service: service.name })}</h2>
      <p>
        {service.organizationName}
        {service.phones.length > 0 && ` · ${service.phones.join(', ')}`}
        {need.personId && ` · ${personLabel(kase.people, need.personId, t)}`}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void saver
            .run(
              () =>
                refer('', {
                  needId: need.id,
                  serviceId: service.serviceId,
                  consent: { given, fields: given ? fields : [] },
                  ...(alias.trim() ? { alias: alias.trim() } : {}),
                  ...(note.trim() ? { handoffNote: note.trim() } : {}),
                  ...(followUp ? { followUpDueAt: dayToInstant(followUp) } : {}),
                  sendEmail: given && sendEmail,
                }),
              'referred',
            )
            .then((saved) => {
              if (saved) onDone()
            })
        }}
      >
        <fieldset>
          <legend>{t('referral.consent')}</legend>
          {(['yes', 'no'] as const).map((value) => (
            <label key={value} className="check">
              <input
                type="radio"
                name="referral-consent"
                checked={consent === value}
                onChange={() => setConsent(value)}
              />
              {t(`referral.consentAnswer.${value}`)}
            </label>
          ))}
          <p className="field-hint">{t('referral.consentHint')}</p>
        </fieldset>
        {given && (
          <fieldset>
            <legend>{t('referral.shareWhat')}</legend>
            <div className="code-grid">
              {shareableReferralFields.map((field) => (
                <label key={field} className="check">
                  <input type="checkbox" checked={fields.includes(field)} onChange={() => toggle(field)} />
                  {t(`referrals:field.${field}`)}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.alias}>{t('referral.alias')}</label>
            <input
              id={ids.alias}
              maxLength={referralLimits.aliasMaxLength}
              value={alias}
              aria-describedby={`${ids.alias}-hint`}
              onChange={(event) => setAlias(event.target.value)}
            />
            <p id={`${ids.alias}-hint`} className="field-hint">
              {t('referral.aliasHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={ids.followUp}>{t('referral.followUp')}</label>
            <input
              id={ids.followUp}
              type="date"
              value={followUp}
              aria-describedby={`${ids.followUp}-hint`}
              onChange={(event) => setFollowUp(event.target.value)}
            />
            <p id={`${ids.followUp}-hint`} className="field-hint">
              {t('referral.followUpHint')}
            </p>
          </div>
        </div>
        <div className="field">
          <label htmlFor={ids.note}>{t('referral.handoffNote')}</label>
          <textarea
            id={ids.note}
            rows={3}
            maxLength={referralLimits.noteMaxLength}
            value={note}
            aria-describedby={`${ids.note}-hint`}
            onChange={(event) => setNote(event.target.value)}
          />
          <p id={`${ids.note}-hint`} className="field-hint">
            {t('referral.handoffHint')}
          </p>
        </div>
        {given && (
          <label className="check">
            <input
              type="checkbox"
              checked={sendEmail}
              onChange={(event) => setSendEmail(event.target.checked)}
            />
            {t('referral.sendEmail')}
          </label>
        )}
        <SaveBar
          saver={saver}
          label={t('referral.submit')}
          labels={{
            serviceId: service.name,
            'consent.fields': t('referral.shareWhat'),
            alias: t('referral.alias'),
            handoffNote: t('referral.handoffNote'),
            followUpDueAt: t('referral.followUp'),
            sendEmail: t('referral.sendEmail'),
          }}
        />
      </form>
      <button type="button" className="secondary" onClick={onCancel}>
        {t('referral.chooseAnother')}
      </button>
    </section>
  )
}
