import { useTranslation } from 'react-i18next'
import {
  caseLimits,
  type SafetyPlan as Plan,
  type SafetyStatus,
  safetyStatuses,
} from '../../../common/contracts/cases.ts'
import type { EscalationView } from '../../../common/contracts/escalations.ts'
import { provinces } from '../../../common/geography.ts'
import { AnswerText, changedFields, trimmed } from './answers.tsx'
import type { CaseDetail, Evaluation, useCase } from './case-api.ts'
import { EscalationKindPanel, useAgencies } from './Escalations.tsx'
import { CaseError, SaveBar, useDraft, useSaver } from './parts.tsx'
import { LocationForm } from './SituationSection.tsx'

type CaseState = ReturnType<typeof useCase>

/** The first question, always: saved the moment it is answered. */
export function SafetyQuestion({ kase, change }: { kase: CaseDetail; change: CaseState['change'] }) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const saver = useSaver()
  const [status, setStatus] = useDraft<SafetyStatus>(kase.safety.status)
  return (
    <section
      className={`panel safety-question safety-${kase.safety.status}`}
      aria-labelledby="safety-heading"
    >
      <h2 id="safety-heading">{t('safety.heading')}</h2>
      <fieldset disabled={!kase.abilities.update}>
        <legend>{t('safety.question')}</legend>
        <div className="safety-options">
          {safetyStatuses.map((value) => (
            <label key={value} className={`check safety-option option-${value}`}>
              <input
                type="radio"
                name="safety-status"
                value={value}
                checked={status === value}
                onChange={() => {
                  setStatus(value)
                  void saver
                    .run(() => change('PATCH', '/safety', { status: value }))
                    .then((saved) => {
                      if (!saved) setStatus(kase.safety.status)
                    })
                }}
              />
              {t(`cases:safetyStatus.${value}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="field-hint" aria-live="polite">
        {saver.status}
      </p>
      <CaseError error={saver.error} />
    </section>
  )
}

/**
 * When the person is not safe: the emergency escalation at hand (the police service responsible for
 * the place, its 24/7 number, and the dispatch record), then the plan agreed with the person.
 */
export function SafetyPlanPanel({
  kase,
  evaluation,
  escalations,
  change,
  escalate,
  asPanel,
}: {
  kase: CaseDetail
  evaluation: Evaluation | null
  escalations: EscalationView[]
  change: CaseState['change']
  escalate: CaseState['escalate']
  /** Open, under its own heading (the person is not safe); otherwise inside a closed section. */
  asPanel: boolean
}) {
  const { t } = useTranslation('case-screens')
  const dispatch = evaluation?.kinds.find((kind) => kind.kind === 'emergency_dispatch')
  const content = (
    <>
      <EmergencyAtHand kase={kase} change={change} />
      {dispatch && (
        <EscalationKindPanel
          kase={kase}
          evaluation={dispatch}
          escalations={escalations.filter((item) => item.kind === 'emergency_dispatch')}
          escalate={escalate}
        />
      )}
      <PlanForm plan={kase.safety.plan} change={change} editable={kase.abilities.update} />
    </>
  )
  if (!asPanel) return content
  return (
    <section className="panel safety-plan" aria-labelledby="safety-plan-heading">
      <h2 id="safety-plan-heading">{t('safetyPlan.heading')}</h2>
      {content}
    </section>
  )
}

/** The police service for where the person is, with the number to call now. */
function EmergencyAtHand({ kase, change }: { kase: CaseDetail; change: CaseState['change'] }) {
  const { t, i18n } = useTranslation('case-screens')
  const { province, municipality } = kase.location
  const place = `${JSON.stringify(province)}${JSON.stringify(municipality)}`
  const agencies = useAgencies(kase.id, 'emergency_dispatch', place)
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  const placeName = [
    municipality.state === 'given' ? municipality.value : null,
    province.state === 'given' ? provinces[province.value as keyof typeof provinces]?.[lang] : null,
  ]
    .filter(Boolean)
    .join(', ')
  const [first, ...others] = agencies ?? []
  return (
    <div className="emergency">
      <h3>{t('safetyPlan.emergency')}</h3>
      <p className="emergency-call">
        {t('safetyPlan.call911')} <a href="tel:911">911</a>
      </p>
      {agencies && first && (
        <div className="agency-card">
          <p>
            <strong>{first.name}</strong>
            {placeName && ` — ${placeName}`}
          </p>
          {first.emergencyPhone && (
            <p className="agency-phone">
              {t('safetyPlan.dispatchLine')}{' '}
              <a href={`tel:${first.emergencyPhone.replace(/[^0-9+]/g, '')}`}>{first.emergencyPhone}</a>
            </p>
          )}
          {others.length > 0 && (
            <ul className="other-agencies">
              {others.map((agency) => (
                <li key={agency.organizationId}>
                  {agency.name}
                  {agency.emergencyPhone && ` — ${agency.emergencyPhone}`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {agencies && !first && <p>{t('safetyPlan.noAgency')}</p>}
      <p className="field-hint">{t('safetyPlan.placeHint')}</p>
      {kase.abilities.update && <LocationForm location={kase.location} change={change} compact editable />}
    </div>
  )
}

function PlanForm({
  plan,
  change,
  editable,
}: {
  plan: Plan
  change: CaseState['change']
  editable: boolean
}) {
  const { t } = useTranslation('case-screens')
  const [draft, setDraft] = useDraft(plan)
  const saver = useSaver()
  const labels = {
    'plan.plan': t('safetyPlan.plan'),
    'plan.safePlace': t('safetyPlan.safePlace'),
    'plan.supports': t('safetyPlan.supports'),
  }
  return (
    <form
      className="case-form"
      aria-labelledby="plan-heading"
      onSubmit={(event) => {
        event.preventDefault()
        const cleaned = {
          plan: trimmed(draft.plan),
          safePlace: trimmed(draft.safePlace),
          supports: trimmed(draft.supports),
        }
        void saver.run(() => change('PATCH', '/safety', { plan: changedFields(plan, cleaned) }))
      }}
    >
      <h3 id="plan-heading">{t('safetyPlan.planHeading')}</h3>
      <fieldset disabled={!editable} className="plain">
        <legend className="visually-hidden">{t('safetyPlan.planHeading')}</legend>
        <AnswerText
          label={labels['plan.plan']}
          hint={t('safetyPlan.planHint')}
          value={draft.plan}
          multiline
          maxLength={caseLimits.textMaxLength}
          onChange={(answer) => setDraft({ ...draft, plan: answer })}
        />
        <AnswerText
          label={labels['plan.safePlace']}
          value={draft.safePlace}
          multiline
          maxLength={caseLimits.textMaxLength}
          onChange={(answer) => setDraft({ ...draft, safePlace: answer })}
        />
        <AnswerText
          label={labels['plan.supports']}
          value={draft.supports}
          multiline
          maxLength={caseLimits.textMaxLength}
          onChange={(answer) => setDraft({ ...draft, supports: answer })}
        />
      </fieldset>
      {editable && <SaveBar saver={saver} label={t('safetyPlan.save')} labels={labels} />}
    </form>
  )
}
