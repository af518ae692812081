import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { SurveyEntry } from '../../common/contracts/survey.ts'
import type { ApiError } from '../shared/api.ts'
import { pick, useFieldMessage } from '../shared/fields.tsx'

/** A group of radio buttons under a legend; the server's error on the group is tied to it. */
export function ChoiceGroup<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  error,
}: {
  legend: string
  name: string
  options: { value: T; label: string }[]
  value: T | null
  onChange: (value: T) => void
  error?: ApiError | null
}) {
  const id = useId()
  const message = useFieldMessage(error, name, legend)
  return (
    <fieldset
      aria-describedby={message ? `${id}-error` : undefined}
      aria-invalid={message ? true : undefined}
    >
      <legend>{legend}</legend>
      {options.map((option) => (
        <div className="choice" key={option.value}>
          <input
            type="radio"
            id={`${id}-${option.value}`}
            name={`${id}-${name}`}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
        </div>
      ))}
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </fieldset>
  )
}

const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']

/** HSDS schedules in words: "Monday, Tuesday: 09:00–17:00", or the schedule's own description. */
export function useHoursText() {
  const { t, i18n } = useTranslation('survey')
  return (schedules: SurveyEntry['services'][number]['schedules']): string[] => {
    const dayName = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-CA' : 'en-CA', { weekday: 'long' })
    return schedules.map((schedule) => {
      if (schedule.description) return schedule.description
      const days = schedule.byday
        ? schedule.byday
            .split(',')
            .map((day) => weekdays.indexOf(day.trim().toUpperCase()))
            .filter((index) => index >= 0)
            // 1 January 2024 was a Monday.
            .map((index) => dayName.format(new Date(Date.UTC(2024, 0, 1 + index, 12))))
            .join(', ')
        : t('everyDay')
      return t('hoursLine', { days, opens: schedule.opensAt ?? '?', closes: schedule.closesAt ?? '?' })
    })
  }
}

/** An entry's facts as the directory holds them: phone, and each service's status, referrals and hours. */
export function EntryFacts({ entry, headingLevel = 3 }: { entry: SurveyEntry; headingLevel?: 3 | 4 | 5 }) {
  const { t, i18n } = useTranslation('survey')
  const hoursText = useHoursText()
  const Heading = `h${headingLevel}` as 'h3' | 'h4' | 'h5'
  return (
    <>
      <dl className="entry-facts">
        <dt>{t('page.phone')}</dt>
        <dd>{entry.phone ?? t('page.none')}</dd>
      </dl>
      {entry.services.map((service) => {
        const hours = hoursText(service.schedules)
        return (
          <section key={service.id} aria-label={pick(service.name, i18n.language)}>
            <Heading>{pick(service.name, i18n.language)}</Heading>
            <dl className="entry-facts">
              <dt>{t('page.status')}</dt>
              <dd>{t(`serviceStatus.${service.status}`)}</dd>
              <dt>{t('page.referrals')}</dt>
              <dd>{t(`referralStatus.${service.referralStatus ?? 'unknown'}`)}</dd>
              <dt>{t('page.hours')}</dt>
              <dd>{hours.length > 0 ? hours.join('; ') : t('page.noHours')}</dd>
              {service.alert && (
                <>
                  <dt>{t('page.alert')}</dt>
                  <dd>{service.alert}</dd>
                </>
              )}
            </dl>
          </section>
        )
      })}
    </>
  )
}
