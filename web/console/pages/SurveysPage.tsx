import { type FormEvent, useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type CampaignDetail,
  type CampaignList,
  type SendResult,
  type SurveyResponse,
  surveyLimits,
} from '../../../common/contracts/survey.ts'
import { provinceCodes, provinces } from '../../../common/geography.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert, Field, pick, TextAreaField } from '../../shared/fields.tsx'
import { EntryFacts } from '../../survey/fields.tsx'
import { ScrollRegion } from '../ScrollRegion.tsx'
import '../../survey/survey.css'
import { useConsole } from '../session.tsx'

const asApiError = (caught: unknown) => (caught instanceof ApiError ? caught : null)

/** Status surveys: create and send campaigns, watch delivery, review answers (directory managers). */
export function SurveysPage() {
  const { t, i18n } = useTranslation('survey')
  const { api } = useConsole()
  const [list, setList] = useState<CampaignList | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const dateTime = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'medium',
    timeStyle: 'short',
  })

  const load = useCallback(async () => {
    try {
      setList(await api.get<CampaignList>('/api/survey/campaigns'))
    } catch (caught) {
      setError(asApiError(caught))
    }
  }, [api])
  useEffect(() => {
    void load()
  }, [load])

  if (openId) {
    return (
      <CampaignView
        id={openId}
        onBack={() => {
          setOpenId(null)
          void load()
        }}
      />
    )
  }

  return (
    <>
      <h1>{t('console.heading')}</h1>
      <p>{t('console.intro')}</p>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      <ErrorAlert error={error} />
      {list && !list.mail.configured && (
        <p className="alert" role="note">
          {t('console.mailMissing')}
        </p>
      )}
      <ScrollRegion label={t('console.listCaption')}>
        <table>
          <caption>{t('console.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.col.title')}</th>
              <th scope="col">{t('console.col.created')}</th>
              <th scope="col">{t('console.col.recipients')}</th>
              <th scope="col">{t('console.col.sent')}</th>
              <th scope="col">{t('console.col.failed')}</th>
              <th scope="col">{t('console.col.responses')}</th>
              <th scope="col">{t('console.col.awaiting')}</th>
              <th scope="col">{t('console.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list?.campaigns.length === 0 && (
              <tr>
                <td colSpan={8}>{t('console.none')}</td>
              </tr>
            )}
            {list?.campaigns.map((campaign) => (
              <tr key={campaign.id}>
                <th scope="row">{campaign.title}</th>
                <td className="nowrap">{dateTime.format(new Date(campaign.createdAt))}</td>
                <td>{campaign.counts.recipients}</td>
                <td>{campaign.counts.sent}</td>
                <td>{campaign.counts.failed}</td>
                <td>{campaign.counts.responses}</td>
                <td>{campaign.counts.awaitingReview}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={t('console.openLabel', { title: campaign.title })}
                    onClick={() => setOpenId(campaign.id)}
                  >
                    {t('console.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <CreateCampaignForm
        onCreated={async (campaign) => {
          setNotice(t('console.created', { count: campaign.counts.recipients }))
          await load()
          setOpenId(campaign.id)
        }}
      />
    </>
  )
}

function CreateCampaignForm({ onCreated }: { onCreated: (campaign: CampaignDetail) => Promise<void> }) {
  const { t, i18n } = useTranslation('survey')
  const { api } = useConsole()
  const [error, setError] = useState<ApiError | null>(null)
  const provinceId = useId()
  const agenciesId = useId()

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formElement = event.currentTarget
    const form = new FormData(formElement)
    const province = String(form.get('province') ?? '')
    setError(null)
    try {
      const campaign = await api.send<CampaignDetail>('POST', '/api/survey/campaigns', {
        title: String(form.get('title') ?? ''),
        message: { en: String(form.get('message.en') ?? ''), fr: String(form.get('message.fr') ?? '') },
        validityDays: Number(form.get('validityDays') ?? 0),
        ...(province ? { province } : {}),
        includeAgencies: form.get('includeAgencies') === 'on',
      })
      formElement.reset()
      await onCreated(campaign)
    } catch (caught) {
      setError(asApiError(caught))
    }
  }
  const provinceProblem = error?.field('province')

  return (
    <section aria-labelledby="create-survey-heading" className="panel">
      <h2 id="create-survey-heading">{t('console.createHeading')}</h2>
      <p>{t('console.createIntro')}</p>
      <ErrorAlert error={error} />
      <form onSubmit={handleSubmit} noValidate className="form-grid">
        <Field
          label={t('console.title')}
          name="title"
          required
          maxLength={surveyLimits.titleMaxLength}
          error={error}
          autoComplete="off"
        />
        <Field
          label={t('console.validityDays')}
          hint={t('console.validityHint', {
            min: surveyLimits.validityDaysMin,
            max: surveyLimits.validityDaysMax,
          })}
          name="validityDays"
          type="number"
          min={surveyLimits.validityDaysMin}
          max={surveyLimits.validityDaysMax}
          defaultValue={14}
          required
          error={error}
        />
        <TextAreaField
          label={t('console.messageEn')}
          name="message.en"
          lang="en"
          required
          maxLength={surveyLimits.messageMaxLength}
          error={error}
        />
        <TextAreaField
          label={t('console.messageFr')}
          name="message.fr"
          lang="fr"
          required
          maxLength={surveyLimits.messageMaxLength}
          error={error}
        />
        <div className="field">
          <label htmlFor={provinceId}>{t('console.province')}</label>
          <select
            id={provinceId}
            name="province"
            defaultValue=""
            aria-invalid={provinceProblem ? true : undefined}
            aria-describedby={provinceProblem ? `${provinceId}-error` : undefined}
          >
            <option value="">{t('console.allProvinces')}</option>
            {provinceCodes.map((code) => (
              <option key={code} value={code}>
                {provinces[code][i18n.language === 'fr' ? 'fr' : 'en']}
              </option>
            ))}
          </select>
          {provinceProblem && (
            <p id={`${provinceId}-error`} className="field-error">
              {i18n.t(`errors:field.${provinceProblem.code}`, {
                ...provinceProblem.values,
                field: t('console.province'),
              })}
            </p>
          )}
        </div>
        <div className="field choice">
          <input type="checkbox" id={agenciesId} name="includeAgencies" />
          <label htmlFor={agenciesId}>{t('console.includeAgencies')}</label>
        </div>
        <div className="form-actions">
          <button type="submit">{t('console.create')}</button>
        </div>
      </form>
    </section>
  )
}

function CampaignView({ id, onBack }: { id: string; onBack: () => void }) {
  const { t, i18n } = useTranslation('survey')
  const { api } = useConsole()
  const [campaign, setCampaign] = useState<CampaignDetail | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const dateTime = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'medium',
    timeStyle: 'short',
  })
  const when = (value: string | null) => (value ? dateTime.format(new Date(value)) : '—')

  const load = useCallback(async () => {
    try {
      setCampaign(await api.get<CampaignDetail>(`/api/survey/campaigns/${id}`))
    } catch (caught) {
      setError(asApiError(caught))
    }
  }, [api, id])
  useEffect(() => {
    void load()
  }, [load])

  const handleSend = async () => {
    setError(null)
    setNotice(null)
    setSending(true)
    const total = { sent: 0, failed: 0 }
    try {
      // One batch per call; go on while recipients never tried remain, refreshing the table.
      for (;;) {
        const result = await api.send<SendResult>('POST', `/api/survey/campaigns/${id}/send`)
        total.sent += result.sent
        total.failed += result.failed
        await load()
        if (result.remaining === 0 || result.sent + result.failed === 0) break
      }
      setNotice(t('console.sendDone', total))
    } catch (caught) {
      setError(asApiError(caught))
    } finally {
      setSending(false)
    }
  }

  if (!campaign) {
    return (
      <>
        <ErrorAlert error={error} />
        <p role="status">{t('common:loading')}</p>
      </>
    )
  }
  const pending = campaign.responses.filter((response) => response.reviewStatus === 'pending')
  const reviewed = campaign.responses.filter((response) => response.reviewStatus !== 'pending')

  return (
    <>
      <p>
        <button type="button" className="secondary" onClick={onBack}>
          {t('console.back')}
        </button>
      </p>
      <h1>{campaign.title}</h1>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      <ErrorAlert error={error} />
      {!campaign.abilities.send && campaign.counts.pending + campaign.counts.failed > 0 && (
        <p className="alert" role="note">
          {t('console.mailMissing')}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          onClick={() => void handleSend()}
          disabled={sending || !campaign.abilities.send}
        >
          {t('console.send')}
        </button>
        <p className="field-hint">{t('console.sendHint')}</p>
      </div>
      <ScrollRegion label={t('console.recipientsCaption', { title: campaign.title })}>
        <table>
          <caption>{t('console.recipientsCaption', { title: campaign.title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.col.organization')}</th>
              <th scope="col">{t('console.col.email')}</th>
              <th scope="col">{t('console.col.language')}</th>
              <th scope="col">{t('console.col.status')}</th>
              <th scope="col">{t('console.col.attempts')}</th>
              <th scope="col">{t('console.col.lastError')}</th>
              <th scope="col">{t('console.col.opened')}</th>
              <th scope="col">{t('console.col.answered')}</th>
            </tr>
          </thead>
          <tbody>
            {campaign.recipients.map((recipient) => (
              <tr key={recipient.id}>
                <th scope="row">{pick(recipient.organizationName, i18n.language)}</th>
                <td>{recipient.email}</td>
                <td>{recipient.language === 'fr' ? 'Français' : 'English'}</td>
                <td>{t(`console.delivery.${recipient.status}`)}</td>
                <td>{recipient.attempts}</td>
                <td>{recipient.lastError ?? '—'}</td>
                <td className="nowrap">{when(recipient.openedAt)}</td>
                <td className="nowrap">{when(recipient.usedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <section aria-labelledby="responses-heading">
        <h2 id="responses-heading">{t('console.responsesHeading')}</h2>
        {campaign.responses.length === 0 && <p>{t('console.noResponses')}</p>}
        {[...pending, ...reviewed].map((response) => (
          <ResponseReview
            key={response.id}
            response={response}
            onReviewed={async (message) => {
              setNotice(message)
              await load()
            }}
          />
        ))}
      </section>
    </>
  )
}

function ResponseReview({
  response,
  onReviewed,
}: {
  response: SurveyResponse
  onReviewed: (message: string) => Promise<void>
}) {
  const { t, i18n } = useTranslation('survey')
  const { api } = useConsole()
  const [error, setError] = useState<ApiError | null>(null)
  const [note, setNote] = useState('')
  const headingId = useId()
  const organization = pick(response.organizationName, i18n.language)
  const date = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(response.submittedAt))
  const serviceName = (serviceId: string) => {
    const service = response.current?.services.find((s) => s.id === serviceId)
    return service ? pick(service.name, i18n.language) : serviceId
  }

  const review = async (action: 'approve' | 'reject') => {
    setError(null)
    try {
      await api.send(
        'POST',
        `/api/survey/responses/${response.id}/${action}`,
        note.trim() ? { note: note.trim() } : {},
      )
      await onReviewed(t(action === 'approve' ? 'console.approved' : 'console.rejected', { organization }))
    } catch (caught) {
      setError(asApiError(caught))
    }
  }

  return (
    <article className="panel" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('console.responseHeading', { organization, date })}</h3>
      <p>
        <strong>{t(`console.review.${response.reviewStatus}`)}</strong>
        {response.outcome && ` (${t(`console.outcome.${response.outcome}`)})`}
        {response.reviewNote && ` — ${response.reviewNote}`}
      </p>
      <div className="side-by-side">
        <section aria-label={t('console.current')}>
          <h4>{t('console.current')}</h4>
          {response.current && <EntryFacts entry={response.current} headingLevel={5} />}
        </section>
        <section aria-label={t('console.proposed')}>
          <h4>{t('console.proposed')}</h4>
          {response.answer.unchanged ? (
            <p>{t('console.unchanged')}</p>
          ) : (
            <dl className="entry-facts">
              {response.answer.services.map((service) => (
                <div key={service.serviceId} className="entry-pair">
                  <dt>{serviceName(service.serviceId)}</dt>
                  <dd>
                    {t(`answer.${service.status}`)}
                    {service.hours && (
                      <>
                        <br />
                        {t('page.hours')}: {service.hours}
                      </>
                    )}
                  </dd>
                </div>
              ))}
              {response.answer.phone && (
                <>
                  <dt>{t('console.phone')}</dt>
                  <dd>{response.answer.phone}</dd>
                </>
              )}
            </dl>
          )}
          {response.note && (
            <dl className="entry-facts">
              <dt>{t('console.note')}</dt>
              <dd>{response.note}</dd>
            </dl>
          )}
        </section>
      </div>
      {(response.abilities.approve || response.abilities.reject) && (
        <>
          <ErrorAlert error={error} />
          <TextAreaField
            label={t('console.reviewNote')}
            name="note"
            maxLength={surveyLimits.reviewNoteMaxLength}
            value={note}
            onChange={(event) => setNote(event.target.value)}
            error={error}
          />
          <div className="row-actions">
            {response.abilities.approve && (
              <button
                type="button"
                aria-label={t('console.approveLabel', { organization })}
                onClick={() => void review('approve')}
              >
                {t('console.approve')}
              </button>
            )}
            {response.abilities.reject && (
              <button
                type="button"
                className="danger"
                aria-label={t('console.rejectLabel', { organization })}
                onClick={() => void review('reject')}
              >
                {t('console.reject')}
              </button>
            )}
          </div>
        </>
      )}
    </article>
  )
}
