import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type PublicSurvey,
  type ServiceAnswer,
  serviceAnswers,
  surveyLimits,
} from '../../common/contracts/survey.ts'
import { ApiError, createApiClient } from '../shared/api.ts'
import { Field, pick, TextAreaField } from '../shared/fields.tsx'
import { LanguageSwitcher } from '../shared/LanguageSwitcher.tsx'
import { ChoiceGroup, EntryFacts } from './fields.tsx'

/** The token at the end of /survey/<token>. */
function tokenFromAddress(): string {
  return decodeURIComponent(window.location.pathname.replace(/^\/survey\/?/, '').replace(/\/+$/, ''))
}

type State =
  | { kind: 'loading' }
  | { kind: 'refused'; error: ApiError }
  | { kind: 'ready'; survey: PublicSurvey }
  | { kind: 'done' }

interface ServiceDraft {
  status: ServiceAnswer | null
  hours: string
}

/** A provider's status survey: what the directory says, and the provider's answer. */
export function SurveyApp() {
  const { t, i18n } = useTranslation('survey')
  const token = useMemo(tokenFromAddress, [])
  const api = useMemo(
    () =>
      createApiClient({
        language: () => i18n.language,
        csrfToken: () => null,
        networkMessage: () => i18n.t('common:error.network'),
      }),
    [i18n],
  )
  const [state, setState] = useState<State>({ kind: 'loading' })

  const load = useCallback(async () => {
    try {
      const survey = await api.get<PublicSurvey>(`/api/survey/responses/${encodeURIComponent(token)}`)
      setState({ kind: 'ready', survey })
    } catch (caught) {
      if (caught instanceof ApiError) setState({ kind: 'refused', error: caught })
    }
  }, [api, token])
  useEffect(() => {
    void load()
  }, [load])

  // A refusal is worded by the server in the language asked: ask again when the language changes.
  const refused = state.kind === 'refused'
  const mainRef = useRef<HTMLElement>(null)
  useEffect(() => {
    if (!refused) return
    const reload = () => void load()
    i18n.on('languageChanged', reload)
    return () => i18n.off('languageChanged', reload)
  }, [refused, i18n, load])

  let body: React.ReactNode
  switch (state.kind) {
    case 'loading':
      body = <p role="status">{t('page.loading')}</p>
      break
    case 'refused':
      body = (
        <>
          <h1>{t('page.errorHeading')}</h1>
          <div className="alert" role="alert">
            {state.error.message}
          </div>
        </>
      )
      break
    case 'done':
      body = (
        <>
          <h1>{t('page.doneHeading')}</h1>
          <p className="notice" role="status">
            {t('page.doneBody')}
          </p>
        </>
      )
      break
    case 'ready':
      body = (
        <SurveyForm
          survey={state.survey}
          onSubmit={async (answer) => {
            await api.send('POST', `/api/survey/responses/${encodeURIComponent(token)}`, answer)
            setState({ kind: 'done' })
            mainRef.current?.focus()
          }}
        />
      )
      break
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {t('common:skipToContent')}
      </a>
      <header className="survey-header">
        <div className="survey-bar">
          <p className="survey-brand">{t('brand')}</p>
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="survey-main" ref={mainRef}>
        {body}
      </main>
    </>
  )
}

function SurveyForm({
  survey,
  onSubmit,
}: {
  survey: PublicSurvey
  onSubmit: (answer: Record<string, unknown>) => Promise<void>
}) {
  const { t, i18n } = useTranslation('survey')
  const [unchanged, setUnchanged] = useState<'yes' | 'no' | null>(null)
  const [drafts, setDrafts] = useState<Record<string, ServiceDraft>>({})
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  // Which service each index of the last request stood for, to tie the server's errors to fields.
  const [sentOrder, setSentOrder] = useState<string[]>([])
  const name = pick(survey.entry.name, i18n.language)
  const date = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'long',
  }).format(new Date(survey.expiresAt))

  const draftOf = (id: string): ServiceDraft => drafts[id] ?? { status: null, hours: '' }
  const update = (id: string, change: Partial<ServiceDraft>) =>
    setDrafts((current) => ({ ...current, [id]: { ...draftOf(id), ...change } }))

  /** The error the server gave for a service's field, under the name the form uses for it. */
  const serviceError = (serviceId: string): ApiError | null => {
    if (!error) return null
    const index = sentOrder.indexOf(serviceId)
    if (index < 0) return null
    return new ApiError(
      error.status,
      error.code,
      error.message,
      error.fields
        .filter((field) => field.path.startsWith(`services.${index}.`))
        .map((field) => ({ ...field, path: field.path.replace(`services.${index}.`, `${serviceId}.`) })),
    )
  }

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const answered = survey.entry.services.filter((service) => {
      const draft = draftOf(service.id)
      return draft.status !== null || draft.hours.trim() !== ''
    })
    const phone = String(form.get('phone') ?? '').trim()
    const note = String(form.get('note') ?? '').trim()
    const answer: Record<string, unknown> =
      unchanged === 'no'
        ? {
            unchanged: false,
            services: answered.map((service) => {
              const draft = draftOf(service.id)
              return {
                serviceId: service.id,
                status: draft.status ?? 'open',
                ...(draft.hours.trim() ? { hours: draft.hours.trim() } : {}),
              }
            }),
            ...(phone ? { phone } : {}),
          }
        : unchanged === 'yes'
          ? { unchanged: true }
          : {}
    if (note) answer.note = note
    setSentOrder(unchanged === 'no' ? answered.map((service) => service.id) : [])
    setError(null)
    setBusy(true)
    try {
      await onSubmit(answer)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <h1>{t('page.heading', { name })}</h1>
      <p>{pick(survey.message, i18n.language)}</p>
      <p className="field-hint">{t('page.expires', { date })}</p>
      <section className="survey-current" aria-labelledby="current-heading">
        <h2 id="current-heading">{t('page.currentHeading')}</h2>
        <EntryFacts entry={survey.entry} />
      </section>
      {error && (
        <div className="alert" role="alert">
          {error.message}
        </div>
      )}
      <form className="survey-form" onSubmit={handleSubmit} noValidate>
        <ChoiceGroup
          legend={t('page.questionLegend')}
          name="unchanged"
          value={unchanged}
          onChange={setUnchanged}
          error={error}
          options={[
            { value: 'yes', label: t('page.yes') },
            { value: 'no', label: t('page.no') },
          ]}
        />
        {unchanged === 'no' && (
          <>
            {error?.field('services') && <p className="field-error">{t('page.servicesRequired')}</p>}
            {survey.entry.services.map((service) => {
              const serviceName = pick(service.name, i18n.language)
              const draft = draftOf(service.id)
              return (
                <div key={service.id}>
                  <ChoiceGroup
                    legend={t('page.serviceLegend', { name: serviceName })}
                    name={`${service.id}.status`}
                    value={draft.status}
                    onChange={(status) => update(service.id, { status })}
                    error={serviceError(service.id)}
                    options={serviceAnswers.map((value) => ({ value, label: t(`answer.${value}`) }))}
                  />
                  <TextAreaField
                    label={t('page.newHours', { name: serviceName })}
                    hint={t('page.newHoursHint')}
                    name={`${service.id}.hours`}
                    maxLength={surveyLimits.hoursMaxLength}
                    value={draft.hours}
                    onChange={(event) => update(service.id, { hours: event.target.value })}
                    error={serviceError(service.id)}
                  />
                </div>
              )
            })}
            <Field
              label={t('page.newPhone')}
              name="phone"
              type="tel"
              autoComplete="tel"
              maxLength={surveyLimits.phoneMaxLength}
              error={error}
            />
          </>
        )}
        <TextAreaField
          label={t('page.note')}
          hint={t('page.noteHint', { max: surveyLimits.noteMaxLength })}
          name="note"
          maxLength={surveyLimits.noteMaxLength}
          error={error}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('page.sending') : t('page.submit')}
        </button>
      </form>
    </>
  )
}
