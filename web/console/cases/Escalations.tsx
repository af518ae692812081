import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type Consent,
  consentValues,
  type EscalationKind,
  type EscalationView,
  outcomes,
  shareableFields,
} from '../../../common/contracts/escalations.ts'
import { useConsole } from '../session.tsx'
import { type CaseAgency, type CaseDetail, type Evaluation, personLabel } from './case-api.ts'
import { SaveBar, useSaver } from './parts.tsx'

type Escalate = (path: string, body: unknown) => Promise<void>
type KindEvaluation = Evaluation['kinds'][number]

const noteMax = 2000

/** Local date and time for a datetime-local input, to the minute. */
function localInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

function useDateTime() {
  const { i18n } = useTranslation()
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  return (value: string | null) => (value ? format.format(new Date(value)) : '')
}

/** The agencies responsible for the case's place that an escalation of this kind goes to. */
export function useAgencies(caseId: string, kind: EscalationKind, place: string, enabled = true) {
  const { api } = useConsole()
  const [agencies, setAgencies] = useState<CaseAgency[] | null>(null)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the place is why the list is read again
  useEffect(() => {
    if (!enabled) return
    let cancelled = false
    api.get<{ agencies: CaseAgency[] }>(`/api/cases/${caseId}/escalations/agencies`, { kind }).then(
      (answer) => {
        if (!cancelled) setAgencies(answer.agencies)
      },
      () => {
        if (!cancelled) setAgencies([])
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, caseId, kind, place, enabled])
  return agencies
}

/** A protocol's verdict for one kind, with its reasons in the caller's language. */
function Verdict({ evaluation }: { evaluation: KindEvaluation }) {
  const { t } = useTranslation('escalations')
  return (
    <>
      <p>
        <span className={`badge verdict-${evaluation.verdict}`}>{t(`verdict.${evaluation.verdict}`)}</span>
      </p>
      {evaluation.reasons.length > 0 && (
        <ul className="reasons">
          {evaluation.reasons.map((reason, index) => (
            // Reasons repeat a code per person; their order is the server's and stable.
            // biome-ignore lint/suspicious/noArrayIndexKey: no other identity
            <li key={index}>{reason.message}</li>
          ))}
        </ul>
      )}
    </>
  )
}

/** Every kind of escalation the case's protocol knows: its verdict, its records, and a way to start one. */
export function EscalationsSection({
  kase,
  evaluation,
  escalations,
  escalate,
  inSafetyPlan = [],
}: {
  kase: CaseDetail
  evaluation: Evaluation | null
  escalations: EscalationView[]
  escalate: Escalate
  /** Kinds worked in the safety plan (emergency dispatch): only pointed to here. */
  inSafetyPlan?: EscalationKind[]
}) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  if (!evaluation) return <p>{t('common:loading')}</p>
  return (
    <>
      <p>
        {evaluation.protocol
          ? t('escalation.protocol', {
              name: evaluation.protocol.name,
              version: evaluation.protocol.version,
            })
          : t('escalation.noProtocol')}
      </p>
      {evaluation.kinds
        .filter((kind) => !inSafetyPlan.includes(kind.kind))
        .map((kind) => (
          <EscalationKindPanel
            key={kind.kind}
            kase={kase}
            evaluation={kind}
            escalations={escalations.filter((item) => item.kind === kind.kind)}
            escalate={escalate}
          />
        ))}
      {inSafetyPlan.map((kind) => (
        <p key={kind} className="field-hint">
          {t('escalation.inSafetyPlan', { kind: t(`escalations:kind.${kind}`) })}
        </p>
      ))}
    </>
  )
}

/** One kind: verdict and reasons, the escalations recorded, the one in progress walked step by step. */
export function EscalationKindPanel({
  kase,
  evaluation,
  escalations,
  escalate,
  headingLevel = 3,
}: {
  kase: CaseDetail
  evaluation: KindEvaluation
  escalations: EscalationView[]
  escalate: Escalate
  headingLevel?: 3 | 4
}) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const Heading = headingLevel === 3 ? 'h3' : 'h4'
  const inProgress = escalations.some((item) => item.status === 'in_progress')
  const startable = kase.abilities.update && !inProgress && evaluation.verdict !== 'not_applicable'
  return (
    <section
      className={`escalation-kind verdict-${evaluation.verdict}`}
      aria-label={t(`escalations:kind.${evaluation.kind}`)}
    >
      <Heading>{t(`escalations:kind.${evaluation.kind}`)}</Heading>
      <Verdict evaluation={evaluation} />
      {[...escalations].reverse().map((escalation) => (
        <EscalationCard
          key={escalation.id}
          kase={kase}
          escalation={escalation}
          escalate={escalate}
          headingLevel={headingLevel === 3 ? 4 : 5}
        />
      ))}
      {startable && escalations.length === 0 && (
        <StartEscalation kase={kase} evaluation={evaluation} escalate={escalate} />
      )}
      {startable && escalations.length > 0 && (
        <details className="start-another">
          <summary>
            {t('escalation.startAnother', { kind: t(`escalations:kind.${evaluation.kind}`) })}
          </summary>
          <StartEscalation kase={kase} evaluation={evaluation} escalate={escalate} />
        </details>
      )}
    </section>
  )
}

/**
 * Starts an escalation. A tip or a dispatch asks how the person answered about consent, and whether
 * imminent danger is recorded; the verdict for those answers is read again as they change, so the
 * advocate sees whether the protocol allows it before trying.
 */
function StartEscalation({
  kase,
  evaluation,
  escalate,
}: {
  kase: CaseDetail
  evaluation: KindEvaluation
  escalate: Escalate
}) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const { api } = useConsole()
  const saver = useSaver()
  const asksConsent = evaluation.kind !== 'child_protection'
  const [consent, setConsent] = useState<Consent>('not_asked')
  const [imminentDanger, setImminentDanger] = useState(false)
  const [note, setNote] = useState('')
  const [preview, setPreview] = useState<KindEvaluation | null>(null)
  const noteId = useId()
  useEffect(() => {
    if (!asksConsent || (consent === 'not_asked' && !imminentDanger)) {
      setPreview(null)
      return
    }
    let cancelled = false
    api
      .get<Evaluation>(`/api/cases/${kase.id}/escalations/evaluation`, {
        consent,
        imminentDanger: String(imminentDanger),
      })
      .then(
        (answer) => {
          if (!cancelled) setPreview(answer.kinds.find((kind) => kind.kind === evaluation.kind) ?? null)
        },
        () => {},
      )
    return () => {
      cancelled = true
    }
  }, [api, kase.id, evaluation.kind, consent, imminentDanger, asksConsent])

  return (
    <form
      className="start-escalation"
      onSubmit={(event) => {
        event.preventDefault()
        void saver.run(
          () =>
            escalate('', {
              kind: evaluation.kind,
              consent,
              imminentDanger,
              ...(imminentDanger && note.trim() ? { imminentDangerNote: note.trim() } : {}),
            }),
          'started',
        )
      }}
    >
      {asksConsent && (
        <>
          <fieldset>
            <legend>{t('escalation.consent')}</legend>
            {consentValues.map((value) => (
              <label key={value} className="check">
                <input
                  type="radio"
                  name={`consent-${evaluation.kind}`}
                  checked={consent === value}
                  onChange={() => setConsent(value)}
                />
                {t(`escalations:consent.${value}`)}
              </label>
            ))}
          </fieldset>
          <label className="check">
            <input
              type="checkbox"
              checked={imminentDanger}
              onChange={(event) => setImminentDanger(event.target.checked)}
            />
            {t('escalation.imminentDanger')}
          </label>
          {imminentDanger && (
            <div className="field">
              <label htmlFor={noteId}>{t('escalation.imminentDangerNote')}</label>
              <textarea
                id={noteId}
                rows={2}
                maxLength={noteMax}
                value={note}
                onChange={(event) => setNote(event.target.value)}
              />
            </div>
          )}
          {preview && (
            <div className="verdict-preview" aria-live="polite">
              <p className="field-hint">{t('escalation.withTheseAnswers')}</p>
              <Verdict evaluation={preview} />
            </div>
          )}
        </>
      )}
      <SaveBar
        saver={saver}
        label={t('escalation.start', { kind: t(`escalations:kind.${evaluation.kind}`) })}
        labels={{
          kind: t(`escalations:kind.${evaluation.kind}`),
          consent: t('escalation.consent'),
          imminentDangerNote: t('escalation.imminentDangerNote'),
        }}
      />
    </form>
  )
}

/** One escalation: who it went to, its steps in the protocol's order, its outcome and review. */
function EscalationCard({
  kase,
  escalation,
  escalate,
  headingLevel,
}: {
  kase: CaseDetail
  escalation: EscalationView
  escalate: Escalate
  headingLevel: 4 | 5
}) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const { session, can } = useConsole()
  const when = useDateTime()
  const Heading = headingLevel === 4 ? 'h4' : 'h5'
  const by = (id: string | null) => (id && id === session.user.id ? ` ${t('escalation.byYou')}` : '')
  const open = escalation.status === 'in_progress' && kase.abilities.update
  return (
    <article className={`escalation-card status-${escalation.status}`}>
      <Heading>
        {t('escalation.recordTitle', {
          kind: t(`escalations:kind.${escalation.kind}`),
          date: when(escalation.startedAt),
        })}{' '}
        <span className={`badge escalation-${escalation.status}`}>
          {t(`escalations:status.${escalation.status}`)}
        </span>
      </Heading>
      <p className="field-hint">
        {t('escalation.under', { protocol: escalation.protocol.id, version: escalation.protocol.version })}
        {escalation.personIds.length > 0 &&
          ` · ${t('escalation.concerns', {
            people: escalation.personIds.map((id) => personLabel(kase.people, id, t)).join(', '),
          })}`}
        {escalation.kind !== 'child_protection' && ` · ${t(`escalations:consent.${escalation.consent}`)}`}
        {escalation.imminentDanger && ` · ${t('escalation.imminentDangerRecorded')}`}
      </p>
      <ol className="steps">
        {escalation.steps.map((step, index) => {
          const isNext = step.id === escalation.nextStepId
          return (
            <li
              key={step.id}
              className={step.done ? 'step done' : isNext ? 'step next' : 'step later'}
              aria-current={isNext ? 'step' : undefined}
            >
              <p className="step-label">
                <span className="step-number">{t('escalation.stepNumber', { number: index + 1 })}</span>{' '}
                {step.label}
              </p>
              {step.help && <p className="field-hint">{step.help}</p>}
              {step.done && (
                <p className="step-done">
                  {t('escalation.stepDone', { date: when(step.completedAt) })}
                  {by(step.completedBy)}
                  {step.note && <> — {step.note}</>}
                </p>
              )}
              {step.done && step.action === 'share' && escalation.sharedFields.length > 0 && (
                <p className="field-hint">
                  {t('escalation.shared', {
                    fields: escalation.sharedFields
                      .map((field) => t(`escalations:shared.${field}`))
                      .join(', '),
                  })}
                </p>
              )}
              {step.done && step.action === 'contact' && escalation.agency && (
                <p className="field-hint">
                  {t('escalation.contacted', {
                    agency: escalation.agency.name,
                    date: when(escalation.contactedAt),
                  })}
                </p>
              )}
              {step.done && step.action === 'reference' && escalation.reportReference && (
                <p className="field-hint">
                  {t('escalation.reference', { reference: escalation.reportReference })}
                </p>
              )}
              {isNext && open && (
                <StepForm kase={kase} escalation={escalation} step={step} escalate={escalate} />
              )}
              {!step.done && !isNext && escalation.status === 'in_progress' && (
                <p className="field-hint">{t('escalation.stepLater')}</p>
              )}
            </li>
          )
        })}
      </ol>
      {open && escalation.nextStepId === null && <OutcomeForm escalation={escalation} escalate={escalate} />}
      {escalation.status === 'completed' && (
        <dl className="escalation-facts">
          <dt>{t('escalation.outcome')}</dt>
          <dd>
            {escalation.outcome && t(`escalations:outcome.${escalation.outcome}`)}
            {escalation.outcomeNote && ` — ${escalation.outcomeNote}`}
            {escalation.completedAt && ` (${when(escalation.completedAt)}${by(escalation.completedBy)})`}
          </dd>
          <dt>{t('escalation.review')}</dt>
          <dd>
            {t(`escalations:review.${escalation.review.status}`)}
            {escalation.review.note && ` — ${escalation.review.note}`}
          </dd>
        </dl>
      )}
      {escalation.status === 'cancelled' && escalation.cancelReason && (
        <p>{t('escalation.cancelledBecause', { reason: escalation.cancelReason })}</p>
      )}
      {escalation.status === 'completed' &&
        escalation.review.status === 'pending' &&
        can('case.supervise') &&
        escalation.completedBy !== session.user.id &&
        escalation.startedBy !== session.user.id && (
          <ReviewForm escalation={escalation} escalate={escalate} />
        )}
      {open && <CancelForm escalation={escalation} escalate={escalate} />}
    </article>
  )
}

type Step = EscalationView['steps'][number]

/** The protocol's next step, with what that step records. */
function StepForm({
  kase,
  escalation,
  step,
  escalate,
}: {
  kase: CaseDetail
  escalation: EscalationView
  step: Step
  escalate: Escalate
}) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const saver = useSaver()
  const [note, setNote] = useState('')
  const [shared, setShared] = useState<string[]>([])
  const [agencyId, setAgencyId] = useState('')
  const [contactedAt, setContactedAt] = useState(() => localInput(new Date()))
  const [reference, setReference] = useState('')
  const ids = { note: useId(), agency: useId(), at: useId(), reference: useId() }
  const place = `${JSON.stringify(kase.location.province)}${JSON.stringify(kase.location.municipality)}`
  const agencies = useAgencies(kase.id, escalation.kind, place, step.action === 'contact')
  const chosen = agencies?.find((agency) => agency.organizationId === agencyId) ?? agencies?.[0]
  const fieldError = (field: string) => saver.error?.field(field)?.message

  const submit = () => {
    const body: Record<string, unknown> = { stepId: step.id }
    if (note.trim()) body.note = note.trim()
    if (step.action === 'share') body.sharedFields = shared
    if (step.action === 'contact') {
      if (chosen) body.agencyId = chosen.organizationId
      body.contactedAt = new Date(contactedAt).toISOString()
    }
    if (step.action === 'reference') body.reportReference = reference.trim()
    return saver.run(() => escalate(`/${escalation.id}/steps`, body), 'stepDone')
  }

  return (
    <form
      className="step-form"
      aria-label={step.label}
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      {step.action === 'share' && (
        <fieldset>
          <legend>{t('escalation.shareWhat')}</legend>
          <div className="code-grid">
            {shareableFields.map((field) => (
              <label key={field} className="check">
                <input
                  type="checkbox"
                  checked={shared.includes(field)}
                  onChange={() =>
                    setShared(
                      shared.includes(field) ? shared.filter((item) => item !== field) : [...shared, field],
                    )
                  }
                />
                {t(`escalations:shared.${field}`)}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {step.action === 'contact' && (
        <>
          {agencies && agencies.length === 0 && <p className="alert">{t('escalation.noAgency')}</p>}
          {agencies && agencies.length > 0 && (
            <div className="field">
              <label htmlFor={ids.agency}>{t('escalation.agency')}</label>
              <select
                id={ids.agency}
                value={chosen?.organizationId ?? ''}
                onChange={(event) => setAgencyId(event.target.value)}
              >
                {agencies.map((agency) => (
                  <option key={agency.organizationId} value={agency.organizationId}>
                    {agency.emergencyPhone ? `${agency.name} — ${agency.emergencyPhone}` : agency.name}
                  </option>
                ))}
              </select>
              {chosen?.emergencyPhone && (
                <p className="agency-phone">
                  {t('escalation.call')}{' '}
                  <a href={`tel:${chosen.emergencyPhone.replace(/[^0-9+]/g, '')}`}>{chosen.emergencyPhone}</a>
                </p>
              )}
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.at}>{t('escalation.contactedAt')}</label>
            <input
              id={ids.at}
              type="datetime-local"
              value={contactedAt}
              aria-invalid={fieldError('contactedAt') ? true : undefined}
              onChange={(event) => setContactedAt(event.target.value)}
            />
          </div>
        </>
      )}
      {step.action === 'reference' && (
        <div className="field">
          <label htmlFor={ids.reference}>{t('escalation.referenceLabel')}</label>
          <input
            id={ids.reference}
            maxLength={100}
            value={reference}
            aria-invalid={fieldError('reportReference') ? true : undefined}
            onChange={(event) => setReference(event.target.value)}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.note}>{t('escalation.stepNote')}</label>
        <textarea
          id={ids.note}
          rows={2}
          maxLength={noteMax}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <SaveBar
        saver={saver}
        label={t('escalation.completeStep')}
        labels={{
          stepId: step.label,
          sharedFields: t('escalation.shareWhat'),
          agencyId: t('escalation.agency'),
          contactedAt: t('escalation.contactedAt'),
          reportReference: t('escalation.referenceLabel'),
          note: t('escalation.stepNote'),
        }}
      />
    </form>
  )
}

function OutcomeForm({ escalation, escalate }: { escalation: EscalationView; escalate: Escalate }) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const saver = useSaver()
  const [outcome, setOutcome] = useState<string>(escalation.kind === 'child_protection' ? 'reported' : '')
  const [note, setNote] = useState('')
  const ids = { outcome: useId(), note: useId() }
  return (
    <form
      className="outcome-form"
      onSubmit={(event) => {
        event.preventDefault()
        void saver.run(
          () =>
            escalate(`/${escalation.id}/outcome`, {
              outcome: outcome || 'other',
              ...(note.trim() ? { note: note.trim() } : {}),
            }),
          'outcomeRecorded',
        )
      }}
    >
      <p>{t('escalation.allStepsDone')}</p>
      <div className="field">
        <label htmlFor={ids.outcome}>{t('escalation.outcome')}</label>
        <select id={ids.outcome} value={outcome} onChange={(event) => setOutcome(event.target.value)}>
          <option value="">{t('escalation.chooseOutcome')}</option>
          {outcomes.map((value) => (
            <option key={value} value={value}>
              {t(`escalations:outcome.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.note}>{t('escalation.outcomeNote')}</label>
        <textarea
          id={ids.note}
          rows={2}
          maxLength={noteMax}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <SaveBar
        saver={saver}
        label={t('escalation.recordOutcome')}
        labels={{ outcome: t('escalation.outcome'), note: t('escalation.outcomeNote') }}
      />
    </form>
  )
}

function ReviewForm({ escalation, escalate }: { escalation: EscalationView; escalate: Escalate }) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const saver = useSaver()
  const [decision, setDecision] = useState<'approved' | 'returned'>('approved')
  const [note, setNote] = useState('')
  const noteId = useId()
  return (
    <form
      className="review-form"
      onSubmit={(event) => {
        event.preventDefault()
        void saver.run(
          () =>
            escalate(`/${escalation.id}/review`, {
              decision,
              ...(note.trim() ? { note: note.trim() } : {}),
            }),
          'reviewed',
        )
      }}
    >
      <fieldset>
        <legend>{t('escalation.reviewHeading')}</legend>
        {(['approved', 'returned'] as const).map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name={`review-${escalation.id}`}
              checked={decision === value}
              onChange={() => setDecision(value)}
            />
            {t(`escalations:review.${value}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={noteId}>{t('escalation.reviewNote')}</label>
        <textarea
          id={noteId}
          rows={2}
          maxLength={noteMax}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <SaveBar
        saver={saver}
        label={t('escalation.submitReview')}
        labels={{ decision: t('escalation.reviewHeading'), note: t('escalation.reviewNote') }}
      />
    </form>
  )
}

function CancelForm({ escalation, escalate }: { escalation: EscalationView; escalate: Escalate }) {
  const { t } = useTranslation('case-screens')
  const saver = useSaver()
  const [reason, setReason] = useState('')
  const reasonId = useId()
  return (
    <details className="cancel-escalation">
      <summary>{t('escalation.cancel')}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void saver.run(() => escalate(`/${escalation.id}/cancel`, { reason: reason.trim() }), 'cancelled')
        }}
      >
        <div className="field">
          <label htmlFor={reasonId}>{t('escalation.cancelReason')}</label>
          <textarea
            id={reasonId}
            rows={2}
            maxLength={noteMax}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        <SaveBar
          saver={saver}
          label={t('escalation.cancelDo')}
          labels={{ reason: t('escalation.cancelReason') }}
        />
      </form>
    </details>
  )
}
