import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorAlert } from '../../shared/fields.tsx'
import { navigate } from '../router.ts'
import { useConsole } from '../session.tsx'
import { ReassignForm } from './Assignment.tsx'
import { CloseSection } from './Close.tsx'
import { type CaseDetail, type Evaluation, personLabel, useCase } from './case-api.ts'
import { EscalationsSection } from './Escalations.tsx'
import { ExploitersSection } from './Exploiters.tsx'
import { NeedsPanel } from './Needs.tsx'
import { NotesSection } from './Notes.tsx'
import { PeopleSection } from './People.tsx'
import { Disclosure, unaskedUnder } from './parts.tsx'
import { NeedReferrals } from './Referrals.tsx'
import { SafetyPlanPanel, SafetyQuestion } from './Safety.tsx'
import { SignalsSection } from './Signals.tsx'
import { LocationForm, SituationForm } from './SituationSection.tsx'

/**
 * One case, safety first: the question "is the person safe right now?", then the safety plan when
 * they are not, the needs, and the rest in sections that open on demand. Nothing on it is required.
 */
export function CaseScreen({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation(['case-screens', 'cases'])
  const state = useCase(caseId)
  const { detail: kase, evaluation, escalations, referrals, change, escalate, refer } = state
  const [escalationsOpen, setEscalationsOpen] = useState(false)
  const escalationsRef = useRef<HTMLDivElement>(null)

  if (state.loadError)
    return (
      <>
        <BackToList />
        <ErrorAlert error={state.loadError} />
      </>
    )
  if (!kase) return <p role="status">{t('common:loading')}</p>

  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const showEscalations = () => {
    setEscalationsOpen(true)
    requestAnimationFrame(() => {
      const button = escalationsRef.current?.querySelector<HTMLButtonElement>('button.disclosure')
      button?.scrollIntoView({ block: 'start' })
      button?.focus()
    })
  }
  const live = kase.signals.find((signal) => signal.status === 'active' || signal.status === 'wrap_up')
  const notSafe = kase.safety.status === 'no'

  return (
    <div className="case-screen">
      <BackToList />
      <div className="case-title">
        <h1>{t('case.heading', { number: kase.number })}</h1>
        <span className={`badge case-${kase.status}`}>{t(`cases:caseStatus.${kase.status}`)}</span>
      </div>
      <p className="case-meta">
        {kase.assignedTo ? t('case.assignedTo', { name: kase.assignedTo.displayName }) : t('case.unassigned')}{' '}
        · {t('case.opened', { date: when.format(new Date(kase.createdAt)) })} ·{' '}
        {t('case.lastWorked', { date: when.format(new Date(kase.lastWorkedAt)) })}
        {kase.abilities.export && (
          <>
            {' '}
            ·{' '}
            <a href={`/api/cases/${kase.id}/export`} download>
              {t('case.export')}
            </a>
          </>
        )}
      </p>
      {kase.abilities.reassign && <ReassignForm kase={kase} change={change} />}
      {kase.breakGlass && (
        <p className="alert">
          {t('case.breakGlass', {
            reason: kase.breakGlass.reason,
            until: when.format(new Date(kase.breakGlass.expiresAt)),
          })}
        </p>
      )}
      {live && (
        <p className="notice">
          {t('case.liveConversation')}{' '}
          <a
            href="/console/workspace"
            onClick={(event) => {
              event.preventDefault()
              navigate('/workspace')
            }}
          >
            {t('case.backToWorkspace')}
          </a>
        </p>
      )}
      {kase.status === 'closed' && <p className="notice">{t('case.closedNotice')}</p>}
      <RequiredEscalations kase={kase} evaluation={evaluation} onShow={showEscalations} />

      <SafetyQuestion kase={kase} change={change} />
      {notSafe && (
        <SafetyPlanPanel
          kase={kase}
          evaluation={evaluation}
          escalations={escalations}
          change={change}
          escalate={escalate}
          asPanel
        />
      )}
      <NeedsPanel
        kase={kase}
        change={change}
        renderExtra={(need) => <NeedReferrals kase={kase} need={need} referrals={referrals} refer={refer} />}
      />
      {!notSafe && (
        <Disclosure title={t('safetyPlan.heading')} unasked={unaskedUnder(kase.unasked, 'safety.plan')}>
          <SafetyPlanPanel
            kase={kase}
            evaluation={evaluation}
            escalations={escalations}
            change={change}
            escalate={escalate}
            asPanel={false}
          />
        </Disclosure>
      )}
      <Disclosure
        title={t('people.heading', { count: kase.people.length })}
        unasked={unaskedUnder(kase.unasked, 'people')}
      >
        <PeopleSection kase={kase} change={change} />
      </Disclosure>
      <Disclosure
        title={t('situation.heading')}
        unasked={unaskedUnder(kase.unasked, 'situation') + unaskedUnder(kase.unasked, 'location')}
      >
        <SituationForm situation={kase.situation} change={change} editable={kase.abilities.update} />
        <h3>{t('location.heading')}</h3>
        <LocationForm location={kase.location} change={change} editable={kase.abilities.update} />
      </Disclosure>
      <Disclosure
        title={t('exploiters.heading', { count: kase.exploiters.length })}
        unasked={unaskedUnder(kase.unasked, 'exploiters')}
      >
        <ExploitersSection kase={kase} change={change} />
      </Disclosure>
      <Disclosure title={t('notes.heading', { count: kase.notes.length })}>
        <NotesSection kase={kase} change={change} />
      </Disclosure>
      <Disclosure title={t('signals.heading', { count: kase.signals.length })}>
        <SignalsSection kase={kase} />
      </Disclosure>
      <div ref={escalationsRef}>
        <Disclosure
          title={t('escalation.heading')}
          open={escalationsOpen}
          onToggle={setEscalationsOpen}
          id="case-escalations"
        >
          <EscalationsSection
            kase={kase}
            evaluation={evaluation}
            escalations={escalations}
            escalate={escalate}
          />
        </Disclosure>
      </div>
      <Disclosure title={kase.status === 'closed' ? t('close.reopenHeading') : t('close.heading')}>
        <CloseSection
          kase={kase}
          evaluation={evaluation}
          change={change}
          onShowEscalations={showEscalations}
        />
      </Disclosure>
    </div>
  )
}

function BackToList() {
  const { t } = useTranslation('case-screens')
  return (
    <p className="back-link">
      <a
        href="/console/cases"
        onClick={(event) => {
          event.preventDefault()
          navigate('/cases')
        }}
      >
        {t('case.backToList')}
      </a>
    </p>
  )
}

/**
 * What the protocol requires and is not recorded yet (a child-protection report for a minor), said
 * once at the top with the way to it.
 */
function RequiredEscalations({
  kase,
  evaluation,
  onShow,
}: {
  kase: CaseDetail
  evaluation: Evaluation | null
  onShow: () => void
}) {
  const { t } = useTranslation(['case-screens', 'escalations'])
  const { can } = useConsole()
  if (!evaluation || kase.status === 'closed') return null
  const pending = evaluation.closeBlockers
  if (pending.length === 0) return null
  return (
    <section className="required-escalation" aria-label={t('escalation.requiredLabel')}>
      {pending.map((blocker) => (
        <p key={blocker.code}>
          <strong>{t(`close.blocker.${blocker.code}`)}</strong>
          {blocker.personIds.length > 0 &&
            ` — ${blocker.personIds.map((personId) => personLabel(kase.people, personId, t)).join(', ')}`}
        </p>
      ))}
      {evaluation.protocol && (
        <p className="field-hint">
          {t('escalation.under', {
            protocol: evaluation.protocol.name,
            version: evaluation.protocol.version,
          })}
        </p>
      )}
      {can('case.manage') && (
        <button type="button" onClick={onShow}>
          {t('escalation.walkThrough')}
        </button>
      )}
    </section>
  )
}
