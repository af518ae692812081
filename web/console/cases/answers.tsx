import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type Age,
  type AgeBand,
  type Answer,
  ageBands,
  type UnansweredState,
} from '../../../common/contracts/cases.ts'
import { chatLanguages } from '../../../common/languages.ts'
import { languageName } from '../intake/WorkspacePage.tsx'

/**
 * The controls of case answers. Every question can be left without an answer, and how it was left
 * is said explicitly: not asked yet (the default), not known, or declined. Nothing is required; a
 * control never blocks saving.
 */

/** The order the unanswered states are offered in: "not asked" first, it is where every field starts. */
const unansweredOrder: UnansweredState[] = ['not_asked', 'unknown', 'declined']

export interface Option<T extends string> {
  value: T
  label: string
}

function encode(answer: Answer<unknown>): string {
  return answer.state === 'given' ? `given:${String(answer.value)}` : answer.state
}

/** One select for a closed list: the values, then "not known" and "declined"; "not asked" first. */
export function AnswerSelect<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string
  value: Answer<T>
  options: readonly Option<T>[]
  onChange: (answer: Answer<T>) => void
}) {
  const { t } = useTranslation('cases')
  const id = useId()
  const [first, ...rest] = unansweredOrder
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={encode(value)}
        className={value.state === 'given' ? undefined : 'unanswered'}
        onChange={(event) => {
          const chosen = event.target.value
          onChange(
            chosen.startsWith('given:')
              ? { state: 'given', value: chosen.slice('given:'.length) as T }
              : { state: chosen as UnansweredState },
          )
        }}
      >
        <option value={first}>{t(`answerState.${first}`)}</option>
        {options.map((option) => (
          <option key={option.value} value={`given:${option.value}`}>
            {option.label}
          </option>
        ))}
        {rest.map((state) => (
          <option key={state} value={state}>
            {t(`answerState.${state}`)}
          </option>
        ))}
      </select>
    </div>
  )
}

/** Yes or no, or left unanswered. */
export function AnswerBoolean({
  label,
  value,
  onChange,
}: {
  label: string
  value: Answer<boolean>
  onChange: (answer: Answer<boolean>) => void
}) {
  const { t } = useTranslation('case-screens')
  const asText: Answer<'yes' | 'no'> =
    value.state === 'given' ? { state: 'given', value: value.value ? 'yes' : 'no' } : value
  return (
    <AnswerSelect
      label={label}
      value={asText}
      options={[
        { value: 'yes', label: t('answer.yes') },
        { value: 'no', label: t('answer.no') },
      ]}
      onChange={(answer) =>
        onChange(answer.state === 'given' ? { state: 'given', value: answer.value === 'yes' } : answer)
      }
    />
  )
}

/**
 * How a field is left when it holds no value. Its name is the field's label after its own, so a
 * screen reader says which field it belongs to.
 */
function UnansweredChoice({
  fieldLabelId,
  state,
  onChange,
}: {
  fieldLabelId: string
  state: UnansweredState
  onChange: (state: UnansweredState) => void
}) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const id = useId()
  return (
    <div className="unanswered-choice">
      <span id={`${id}-label`}>{t('answer.ifEmpty')}</span>
      <select
        aria-labelledby={`${id}-label ${fieldLabelId}`}
        value={state}
        onChange={(event) => onChange(event.target.value as UnansweredState)}
      >
        {unansweredOrder.map((option) => (
          <option key={option} value={option}>
            {t(`cases:answerState.${option}`)}
          </option>
        ))}
      </select>
    </div>
  )
}

/** Free text (or a number): typing gives the answer; left empty, the choice beside it says why. */
export function AnswerText({
  label,
  value,
  onChange,
  maxLength,
  multiline = false,
  hint,
}: {
  label: string
  value: Answer<string>
  onChange: (answer: Answer<string>) => void
  maxLength: number
  multiline?: boolean
  hint?: string
}) {
  const id = useId()
  const text = value.state === 'given' ? value.value : ''
  const change = (next: string) =>
    onChange(next.trim() ? { state: 'given', value: next } : { state: 'not_asked' })
  return (
    <div className="field answer-text">
      <label id={`${id}-label`} htmlFor={id}>
        {label}
      </label>
      {multiline ? (
        <textarea
          id={id}
          rows={3}
          maxLength={maxLength}
          value={text}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(event) => change(event.target.value)}
        />
      ) : (
        <input
          id={id}
          maxLength={maxLength}
          value={text}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(event) => change(event.target.value)}
        />
      )}
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {value.state !== 'given' && (
        <UnansweredChoice
          fieldLabelId={`${id}-label`}
          state={value.state}
          onChange={(state) => onChange({ state })}
        />
      )}
    </div>
  )
}

/** A whole number within bounds, or left unanswered. */
export function AnswerNumber({
  label,
  value,
  onChange,
  min,
  max,
}: {
  label: string
  value: Answer<number>
  onChange: (answer: Answer<number>) => void
  min: number
  max: number
}) {
  const id = useId()
  return (
    <div className="field answer-number">
      <label id={`${id}-label`} htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={value.state === 'given' ? value.value : ''}
        onChange={(event) => {
          const number = Number.parseInt(event.target.value, 10)
          onChange(
            Number.isFinite(number)
              ? { state: 'given', value: Math.min(max, Math.max(min, number)) }
              : { state: 'not_asked' },
          )
        }}
      />
      {value.state !== 'given' && (
        <UnansweredChoice
          fieldLabelId={`${id}-label`}
          state={value.state}
          onChange={(state) => onChange({ state })}
        />
      )}
    </div>
  )
}

/** Several codes of a list, ticked; with none ticked, the choice below says why. */
export function AnswerCodes<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string
  value: Answer<T[]>
  options: readonly Option<T>[]
  onChange: (answer: Answer<T[]>) => void
}) {
  const id = useId()
  const ticked = value.state === 'given' ? value.value : []
  const toggle = (code: T) => {
    const next = ticked.includes(code) ? ticked.filter((item) => item !== code) : [...ticked, code]
    onChange(next.length > 0 ? { state: 'given', value: next } : { state: 'not_asked' })
  }
  return (
    <fieldset className="answer-codes">
      <legend id={`${id}-legend`}>{label}</legend>
      <div className="code-grid">
        {options.map((option) => (
          <label key={option.value} className="check">
            <input
              type="checkbox"
              checked={ticked.includes(option.value)}
              onChange={() => toggle(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
      {value.state !== 'given' && (
        <UnansweredChoice
          fieldLabelId={`${id}-legend`}
          state={value.state}
          onChange={(state) => onChange({ state })}
        />
      )}
    </fieldset>
  )
}

/** Age: exactly, as a band, or left unanswered; one select, and the years when exact. */
export function AnswerAge({
  label,
  value,
  onChange,
  max,
}: {
  label: string
  value: Answer<Age>
  onChange: (answer: Answer<Age>) => void
  max: number
}) {
  const { t } = useTranslation(['case-screens', 'cases'])
  const id = useId()
  const yearsId = useId()
  const chosen =
    value.state !== 'given' ? value.state : 'years' in value.value ? 'years' : `band:${value.value.band}`
  const years = value.state === 'given' && 'years' in value.value ? value.value.years : null
  return (
    <div className="field answer-age">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={chosen}
        className={value.state === 'given' ? undefined : 'unanswered'}
        onChange={(event) => {
          const next = event.target.value
          if (next === 'years') onChange({ state: 'given', value: { years: years ?? 0 } })
          else if (next.startsWith('band:'))
            onChange({ state: 'given', value: { band: next.slice('band:'.length) as AgeBand } })
          else onChange({ state: next as UnansweredState })
        }}
      >
        <option value="not_asked">{t('cases:answerState.not_asked')}</option>
        <option value="years">{t('age.exact')}</option>
        {ageBands.map((band) => (
          <option key={band} value={`band:${band}`}>
            {t(`cases:ageBand.${band}`)}
          </option>
        ))}
        <option value="unknown">{t('cases:answerState.unknown')}</option>
        <option value="declined">{t('cases:answerState.declined')}</option>
      </select>
      {chosen === 'years' && (
        <div className="field nested">
          <label htmlFor={yearsId}>{t('age.years')}</label>
          <input
            id={yearsId}
            type="number"
            inputMode="numeric"
            min={0}
            max={max}
            value={years ?? ''}
            onChange={(event) => {
              const number = Number.parseInt(event.target.value, 10)
              onChange({
                state: 'given',
                value: { years: Number.isFinite(number) ? Math.min(max, Math.max(0, number)) : 0 },
              })
            }}
          />
        </div>
      )}
    </div>
  )
}

/** Languages, the preferred first: added from the shared list, removed one by one. */
export function AnswerLanguages({
  label,
  value,
  onChange,
  max,
}: {
  label: string
  value: Answer<string[]>
  onChange: (answer: Answer<string[]>) => void
  max: number
}) {
  const { t, i18n } = useTranslation('case-screens')
  const id = useId()
  const addId = useId()
  const chosen = value.state === 'given' ? value.value : []
  const set = (next: string[]) =>
    onChange(next.length > 0 ? { state: 'given', value: next } : { state: 'not_asked' })
  return (
    <fieldset className="answer-languages">
      <legend id={`${id}-legend`}>{label}</legend>
      {chosen.length > 0 && (
        <ul className="chips">
          {chosen.map((code, index) => (
            <li key={code}>
              {languageName(code, i18n.language)}
              {index === 0 && chosen.length > 1 && ` (${t('languages.preferred')})`}
              <button
                type="button"
                className="secondary chip-remove"
                aria-label={t('languages.remove', { language: languageName(code, i18n.language) })}
                onClick={() => set(chosen.filter((item) => item !== code))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen.length < max && (
        <div className="field">
          <label htmlFor={addId}>{t('languages.add')}</label>
          <select
            id={addId}
            value=""
            onChange={(event) => {
              if (event.target.value) set([...chosen, event.target.value])
            }}
          >
            <option value="">{t('languages.choose')}</option>
            {chatLanguages
              .filter((language) => !chosen.includes(language.code))
              .map((language) => (
                <option key={language.code} value={language.code}>
                  {languageName(language.code, i18n.language)}
                </option>
              ))}
          </select>
        </div>
      )}
      {value.state !== 'given' && (
        <UnansweredChoice
          fieldLabelId={`${id}-legend`}
          state={value.state}
          onChange={(state) => onChange({ state })}
        />
      )}
    </fieldset>
  )
}

/** The fields of a draft that differ from what was saved: the patch to send. */
export function changedFields<T extends Record<string, unknown>>(saved: T, draft: T): Partial<T> {
  const patch: Partial<T> = {}
  for (const key of Object.keys(draft) as (keyof T)[]) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(draft[key])) patch[key] = draft[key]
  }
  return patch
}

/** Text answers are sent trimmed; empty text was already turned into "not asked". */
export function trimmed(answer: Answer<string>): Answer<string> {
  return answer.state === 'given' ? { state: 'given', value: answer.value.trim() } : answer
}
