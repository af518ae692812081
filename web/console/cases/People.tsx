import { useTranslation } from 'react-i18next'
import {
  caseLimits,
  indigenousIdentities,
  personRoles,
  residencyStatuses,
} from '../../../common/contracts/cases.ts'
import { genders } from '../../../common/htcds/index.ts'
import {
  AnswerAge,
  AnswerBoolean,
  AnswerLanguages,
  AnswerSelect,
  AnswerText,
  changedFields,
  trimmed,
} from './answers.tsx'
import { type CaseDetail, type Person, personLabel, type useCase } from './case-api.ts'
import { SaveBar, unaskedUnder, useDraft, useSaver } from './parts.tsx'
import { useHtcdsOptions } from './SituationSection.tsx'

type Change = ReturnType<typeof useCase>['change']
type Editable = Omit<Person, 'id' | 'createdAt' | 'updatedAt'>

/** The people of the case, never named: each with whatever they chose to say, possibly nothing. */
export function PeopleSection({ kase, change }: { kase: CaseDetail; change: Change }) {
  const { t } = useTranslation('case-screens')
  const saver = useSaver()
  return (
    <>
      <p className="field-hint">{t('people.intro')}</p>
      {kase.people.length === 0 && <p>{t('people.empty')}</p>}
      {kase.people.map((person) => (
        <PersonForm
          key={person.id}
          kase={kase}
          person={person}
          change={change}
          editable={kase.abilities.update}
        />
      ))}
      {kase.abilities.update && (
        <div className="save-bar">
          <button
            type="button"
            className="secondary"
            onClick={() => void saver.run(() => change('POST', '/people', {}), 'personAdded')}
          >
            {t('people.add')}
          </button>
          <span className="field-hint" aria-live="polite">
            {saver.status}
          </span>
        </div>
      )}
    </>
  )
}

function PersonForm({
  kase,
  person,
  change,
  editable,
}: {
  kase: CaseDetail
  person: Person
  change: Change
  editable: boolean
}) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const options = useHtcdsOptions()
  const { id, createdAt: _created, updatedAt: _updated, ...saved } = person
  const [draft, setDraft] = useDraft<Editable>(saved)
  const saver = useSaver()
  const set = <K extends keyof Editable>(key: K, value: Editable[K]) => setDraft({ ...draft, [key]: value })
  const setContact = <K extends keyof Editable['safeContact']>(key: K, value: Editable['safeContact'][K]) =>
    setDraft({ ...draft, safeContact: { ...draft.safeContact, [key]: value } })
  const title = personLabel(kase.people, id, t)
  const unasked = unaskedUnder(kase.unasked, `people.${id}`)
  const labels = {
    role: t('people.role'),
    age: t('people.age'),
    gender: t('people.gender'),
    languages: t('people.languages'),
    residency: t('people.residency'),
    indigenous: t('people.indigenous'),
    twoSpiritLgbtqi: t('people.twoSpiritLgbtqi'),
    disability: t('people.disability'),
    'safeContact.callBack': t('safeContact.callBack'),
    'safeContact.voicemail': t('safeContact.voicemail'),
    'safeContact.text': t('safeContact.text'),
    'safeContact.email': t('safeContact.email'),
    'safeContact.codeWord': t('safeContact.codeWord'),
    'safeContact.safeTimes': t('safeContact.safeTimes'),
  }
  return (
    <form
      className="case-form person"
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => {
        event.preventDefault()
        const cleaned = {
          ...draft,
          safeContact: {
            ...draft.safeContact,
            codeWord: trimmed(draft.safeContact.codeWord),
            safeTimes: trimmed(draft.safeContact.safeTimes),
          },
        }
        const patch = changedFields(saved, cleaned)
        if (patch.safeContact)
          patch.safeContact = changedFields(saved.safeContact, cleaned.safeContact) as never
        void saver.run(() => change('PATCH', `/people/${id}`, patch))
      }}
    >
      <h3 id={`${id}-title`}>
        {title}
        {unasked > 0 && <span className="unasked-count">{t('unasked.count', { count: unasked })}</span>}
      </h3>
      <fieldset disabled={!editable} className="plain">
        <legend className="visually-hidden">{title}</legend>
        <div className="form-grid">
          <AnswerSelect
            label={labels.role}
            value={draft.role}
            options={personRoles.map((role) => ({ value: role, label: t(`cases:personRole.${role}`) }))}
            onChange={(answer) => set('role', answer)}
          />
          <AnswerAge
            label={labels.age}
            value={draft.age}
            max={caseLimits.ageMax}
            onChange={(answer) => set('age', answer)}
          />
          <AnswerSelect
            label={labels.gender}
            value={draft.gender}
            options={options('prs_Gender', genders)}
            onChange={(answer) => set('gender', answer)}
          />
          <AnswerSelect
            label={labels.residency}
            value={draft.residency}
            options={residencyStatuses.map((value) => ({ value, label: t(`cases:residency.${value}`) }))}
            onChange={(answer) => set('residency', answer)}
          />
          <AnswerSelect
            label={labels.indigenous}
            value={draft.indigenous}
            options={indigenousIdentities.map((value) => ({ value, label: t(`cases:indigenous.${value}`) }))}
            onChange={(answer) => set('indigenous', answer)}
          />
          <AnswerBoolean
            label={labels.twoSpiritLgbtqi}
            value={draft.twoSpiritLgbtqi}
            onChange={(answer) => set('twoSpiritLgbtqi', answer)}
          />
          <AnswerBoolean
            label={labels.disability}
            value={draft.disability}
            onChange={(answer) => set('disability', answer)}
          />
        </div>
        <AnswerLanguages
          label={labels.languages}
          value={draft.languages}
          max={caseLimits.languagesMax}
          onChange={(answer) => set('languages', answer)}
        />
        <fieldset className="safe-contact">
          <legend>{t('safeContact.heading')}</legend>
          <p className="field-hint">{t('safeContact.intro')}</p>
          <div className="form-grid">
            <AnswerBoolean
              label={labels['safeContact.callBack']}
              value={draft.safeContact.callBack}
              onChange={(answer) => setContact('callBack', answer)}
            />
            <AnswerBoolean
              label={labels['safeContact.voicemail']}
              value={draft.safeContact.voicemail}
              onChange={(answer) => setContact('voicemail', answer)}
            />
            <AnswerBoolean
              label={labels['safeContact.text']}
              value={draft.safeContact.text}
              onChange={(answer) => setContact('text', answer)}
            />
            <AnswerBoolean
              label={labels['safeContact.email']}
              value={draft.safeContact.email}
              onChange={(answer) => setContact('email', answer)}
            />
            <AnswerText
              label={labels['safeContact.codeWord']}
              value={draft.safeContact.codeWord}
              maxLength={caseLimits.shortTextMaxLength}
              onChange={(answer) => setContact('codeWord', answer)}
            />
            <AnswerText
              label={labels['safeContact.safeTimes']}
              value={draft.safeContact.safeTimes}
              maxLength={caseLimits.shortTextMaxLength}
              onChange={(answer) => setContact('safeTimes', answer)}
            />
          </div>
        </fieldset>
      </fieldset>
      {editable && <SaveBar saver={saver} label={t('people.save', { person: title })} labels={labels} />}
    </form>
  )
}
