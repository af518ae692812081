import { useTranslation } from 'react-i18next'
import { caseLimits, communitySizes, type Location, type Situation } from '../../../common/contracts/cases.ts'
import { type ProvinceCode, provinceCodes, provinces } from '../../../common/geography.ts'
import {
  industries,
  methodsOfControl,
  recruitmentMethods,
  traffickingStatuses,
  traffickingTypes,
} from '../../../common/htcds/index.ts'
import {
  AnswerCodes,
  AnswerNumber,
  AnswerSelect,
  AnswerText,
  changedFields,
  type Option,
  trimmed,
} from './answers.tsx'
import type { useCase } from './case-api.ts'
import { SaveBar, useDraft, useSaver } from './parts.tsx'

type Change = ReturnType<typeof useCase>['change']

/** The options of an HTCDS list, labelled in the interface language. */
export function useHtcdsOptions() {
  const { t } = useTranslation('cases')
  return <T extends string>(field: string, values: readonly T[]): Option<T>[] =>
    values.map((value) => ({ value, label: t(`htcds.${field}.${value}`) }))
}

/** Where it happens: province or territory, municipality and community size. */
export function LocationForm({
  location,
  change,
  compact = false,
  editable,
}: {
  location: Location
  change: Change
  editable: boolean
  /** Only the province and municipality (the safety plan, where the police service depends on them). */
  compact?: boolean
}) {
  const { t, i18n } = useTranslation(['case-screens', 'cases'])
  const [draft, setDraft] = useDraft(location)
  const saver = useSaver()
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  const set = <K extends keyof Location>(key: K, value: Location[K]) => setDraft({ ...draft, [key]: value })
  const labels = {
    province: t('location.province'),
    municipality: t('location.municipality'),
    communitySize: t('location.communitySize'),
  }
  return (
    <form
      className="case-form"
      aria-label={t('location.heading')}
      onSubmit={(event) => {
        event.preventDefault()
        const patch = changedFields(location, { ...draft, municipality: trimmed(draft.municipality) })
        void saver.run(() => change('PATCH', '/location', patch))
      }}
    >
      <fieldset disabled={!editable} className="plain">
        <legend className="visually-hidden">{t('location.heading')}</legend>
        <div className="form-grid">
          <AnswerSelect
            label={labels.province}
            value={draft.province}
            options={provinceCodes.map((code: ProvinceCode) => ({
              value: code,
              label: provinces[code][lang],
            }))}
            onChange={(answer) => set('province', answer)}
          />
          <AnswerText
            label={labels.municipality}
            value={draft.municipality}
            maxLength={caseLimits.shortTextMaxLength}
            onChange={(answer) => set('municipality', answer)}
          />
          {!compact && (
            <AnswerSelect
              label={labels.communitySize}
              value={draft.communitySize}
              options={communitySizes.map((size) => ({
                value: size,
                label: t(`cases:communitySize.${size}`),
              }))}
              onChange={(answer) => set('communitySize', answer)}
            />
          )}
        </div>
      </fieldset>
      {editable && <SaveBar saver={saver} label={t('location.save')} labels={labels} />}
    </form>
  )
}

/** What is happening: trafficking types and status, methods of control and recruitment, industry. */
export function SituationForm({
  situation,
  change,
  editable,
}: {
  situation: Situation
  change: Change
  editable: boolean
}) {
  const { t } = useTranslation('case-screens')
  const options = useHtcdsOptions()
  const [draft, setDraft] = useDraft(situation)
  const saver = useSaver()
  const set = <K extends keyof Situation>(key: K, value: Situation[K]) => setDraft({ ...draft, [key]: value })
  const labels = {
    peopleAffected: t('situation.peopleAffected'),
    traffickingTypes: t('situation.traffickingTypes'),
    traffickingStatus: t('situation.traffickingStatus'),
    methodsOfControl: t('situation.methodsOfControl'),
    recruitment: t('situation.recruitment'),
    industry: t('situation.industry'),
  }
  return (
    <form
      className="case-form"
      aria-label={t('situation.heading')}
      onSubmit={(event) => {
        event.preventDefault()
        void saver.run(() => change('PATCH', '/situation', changedFields(situation, draft)))
      }}
    >
      <fieldset disabled={!editable} className="plain">
        <legend className="visually-hidden">{t('situation.heading')}</legend>
        <div className="form-grid">
          <AnswerNumber
            label={labels.peopleAffected}
            value={draft.peopleAffected}
            min={1}
            max={caseLimits.peopleAffectedMax}
            onChange={(answer) => set('peopleAffected', answer)}
          />
          <AnswerSelect
            label={labels.traffickingStatus}
            value={draft.traffickingStatus}
            options={options('vic_TraffickingStatus', traffickingStatuses)}
            onChange={(answer) => set('traffickingStatus', answer)}
          />
          <AnswerSelect
            label={labels.industry}
            value={draft.industry}
            options={options('vic_ForcedLabourIndustry', industries)}
            onChange={(answer) => set('industry', answer)}
          />
        </div>
        <AnswerCodes
          label={labels.traffickingTypes}
          value={draft.traffickingTypes}
          options={options('vic_TypeOfExploitation', traffickingTypes)}
          onChange={(answer) => set('traffickingTypes', answer)}
        />
        <AnswerCodes
          label={labels.methodsOfControl}
          value={draft.methodsOfControl}
          options={options('vic_MethodsOfControl', methodsOfControl)}
          onChange={(answer) => set('methodsOfControl', answer)}
        />
        <AnswerCodes
          label={labels.recruitment}
          value={draft.recruitment}
          options={options('vic_MethodOfRecruitment', recruitmentMethods)}
          onChange={(answer) => set('recruitment', answer)}
        />
      </fieldset>
      {editable && <SaveBar saver={saver} label={t('situation.save')} labels={labels} />}
    </form>
  )
}
